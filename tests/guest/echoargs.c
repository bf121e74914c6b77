/*
 * echoargs: an execv target for the vfork suite.  Prints its arguments,
 * one "argv[i]=..." line each, and exits with argc.  With "--hold" as
 * argv[1] it first writes a byte to descriptor 11 (it has exec'd) and
 * waits for end-of-file on descriptor 10.
 */
#include <forkrt.h>

int
main(int argc, char **argv)
{
	char c;

	if (argc > 1 && strcmp(argv[1], "--hold") == 0) {
		write(11, "e", 1);
		while (read(10, &c, 1) > 0)
			;
	}
	for (int i = 0; i < argc; i++)
		printf("echoargs: argv[%d]=%s\n", i, argv[i]);
	fflush(stdout);
	return (argc);
}
