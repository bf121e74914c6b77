/*
 * init, pid 1: starts the application as its child, reaps every process
 * that ends up its child (orphans, RFNOWAIT children), and when the
 * application exits, powers the machine off with its exit status (128 +
 * signal if a signal ended it), so that QEMU's exit status is the
 * application's.
 *
 * The kernel passes its command line as init's arguments: the program to
 * run and its arguments; none means "app", the built-in application.
 */
#include <forkrt.h>

static int
status_code(int status)
{
	if (WIFEXITED(status))
		return (WEXITSTATUS(status));
	return (128 + WTERMSIG(status));
}

int
main(int argc, char **argv)
{
	char *app_argv[] = { "app", NULL };
	char **child_argv = argc > 1 ? argv + 1 : app_argv;
	int status, code;
	pid_t app, pid;

	app = fork();
	if (app == -1) {
		printf("init: fork: %s\n", strerror(errno));
		forkrt_poweroff(125);
	}
	if (app == 0) {
		execv(child_argv[0], child_argv);
		printf("init: cannot run %s: %s\n", child_argv[0], strerror(errno));
		_exit(127);
	}
	for (;;) {
		pid = wait(&status);
		if (pid == -1) {
			printf("init: wait: %s\n", strerror(errno));
			forkrt_poweroff(125);
		}
		if (pid == app)
			break;
	}
	code = status_code(status);
	if (!WIFEXITED(status))
		printf("init: %s killed by signal %d\n", child_argv[0], WTERMSIG(status));
	fflush(stdout);
	forkrt_poweroff(code);
	return (code);
}
