/* The trivial program fork_exec_wait execs: do nothing, successfully. */
int
main(void)
{
	return (0);
}
