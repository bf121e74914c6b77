"""QEMU command line and exit-status decoding for the aarch64 kernel.

The kernel (build/aarch64/forkrt.elf, an ELF whose segments load at
physical 0x40200000) boots directly with -kernel on `-machine virt` with a
GICv3, at EL1: QEMU enters the ELF entry with the MMU off and puts the
device tree at the start of RAM (0x40000000).  -cpu max gives PAN, RNDR,
16-bit ASIDs and a PMU.  Secondary CPUs wait powered off until the kernel
starts them through QEMU's PSCI (hvc).

Exit status: the guest's hal_poweroff(status) makes a semihosting
SYS_EXIT call with ADP_Stopped_ApplicationExit and the status, and QEMU
(-semihosting-config enable=on,target=native) exits with it, so any
status 0..255 comes back intact.  QEMU's own failures exit 1 and cannot
be told from a guest status of 1 here; the tools also read the
"forkrt: poweroff status=N" line the kernel prints.
"""

from .common import EXIT_USAGE, GUEST_MEM_MIB, ICOUNT, UserError

PACKAGES = ['qemu-system-arm']
QEMU = 'qemu-system-aarch64'
GDB_ARCH = 'aarch64'
KERNEL_NAME = 'forkrt.elf'


def qemu_argv(kernel: str, cmdline: str, mem_mib: int = GUEST_MEM_MIB,
              gdb: bool = False, icount: bool = False,
              accel: str = 'tcg', smp: int = 1) -> list:
    """The full QEMU command that boots `kernel` with `cmdline` on `smp` CPUs.

    TCG only: KVM runs a guest of the host's own architecture.  With
    several CPUs TCG gives each a host thread (thread=multi) except under
    icount, which runs them round-robin and stays deterministic.
    """
    if accel != 'tcg':
        raise UserError(f"--accel {accel}: aarch64 runs under TCG only (KVM runs a guest "
                        "of the host's own architecture); use --accel tcg", EXIT_USAGE)
    tcg = 'tcg,thread=multi' if smp > 1 and not icount else 'tcg'
    argv = ['qemu-system-aarch64', '-machine', 'virt,gic-version=3', '-cpu', 'max',
            '-smp', str(smp), '-m', str(mem_mib), '-kernel', kernel,
            '-semihosting-config', 'enable=on,target=native',
            '-display', 'none', '-serial', 'stdio', '-monitor', 'none',
            '-nodefaults', '-no-user-config', '-no-reboot', '-accel', tcg]
    if cmdline:
        argv += ['-append', cmdline]
    if icount:
        argv += ['-icount', ICOUNT]
    if gdb:
        argv += ['-s', '-S']
    return argv


def decode_exit(returncode: int):
    """The guest's hal_poweroff status, or None if QEMU was killed by a signal."""
    if returncode is None or returncode < 0 or returncode > 255:
        return None
    return returncode
