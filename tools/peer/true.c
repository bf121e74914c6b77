/* The trivial program the Linux peer's fork_exec_wait execs (like user/prog/true.c). */
int
main(void)
{
	return (0);
}
