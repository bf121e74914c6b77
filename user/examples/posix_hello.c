/*
 * A POSIX program with nothing forkrt-specific in it: a parent forks
 * children that write to a pipe through stdio, waits for them, and exits
 * with how many lines it read.  tools/forkrt run --app user/examples/posix_hello.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define NCHILD	3

int
main(void)
{
	char buf[256];
	int fds[2], status, lines = 0;
	FILE *in;

	if (pipe(fds) != 0) {
		perror("pipe");
		return (EXIT_FAILURE);
	}
	for (int i = 0; i < NCHILD; i++) {
		fflush(stdout);
		switch (fork()) {
		case -1:
			perror("fork");
			return (EXIT_FAILURE);
		case 0: {
			FILE *out = fdopen(fds[1], "w");

			close(fds[0]);
			fprintf(out, "child %d is pid %d\n", i, getpid());
			exit(EXIT_SUCCESS);	/* flushes out */
		}
		}
	}
	close(fds[1]);
	if ((in = fdopen(fds[0], "r")) == NULL) {
		perror("fdopen");
		return (EXIT_FAILURE);
	}
	while (fgets(buf, sizeof(buf), in) != NULL) {
		printf("parent %d read: %s", getpid(), buf);
		lines++;
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fprintf(stderr, "a child failed: status %#x\n", status);
	printf("%d lines from %d children\n", lines, NCHILD);
	return (lines == NCHILD ? 40 + lines : EXIT_FAILURE);
}
