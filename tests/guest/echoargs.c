/*
 * echoargs: an execv target for the vfork suite.  Prints its arguments,
 * one "argv[i]=..." line each, and exits with argc.
 */
#include <forkrt.h>

int
main(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		printf("echoargs: argv[%d]=%s\n", i, argv[i]);
	fflush(stdout);
	return (argc);
}
