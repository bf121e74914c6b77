"""QEMU command line and exit-status decoding for the riscv64 kernel.

The kernel (build/riscv64/forkrt.elf, an ELF whose segments load at
physical 0x80200000) boots on `-machine virt` under Debian's OpenSBI
fw_jump.bin.  The guest powers off through the virt machine's sifive_test
finisher: status 0 writes 0x5555 (QEMU exits 0), status N writes
(N << 16) | 0x3333 (QEMU exits N), so any status 0..255 comes back intact.
"""

from .common import EXIT_USAGE, GUEST_MEM_MIB, ICOUNT, OPENSBI_FIRMWARE, UserError

PACKAGES = ['qemu-system-misc', 'opensbi']
QEMU = 'qemu-system-riscv64'
GDB_ARCH = 'riscv:rv64'
KERNEL_NAME = 'forkrt.elf'
FIRMWARE = OPENSBI_FIRMWARE


def qemu_argv(kernel: str, cmdline: str, mem_mib: int = GUEST_MEM_MIB,
              gdb: bool = False, icount: bool = False,
              accel: str = 'tcg', smp: int = 1) -> list:
    """The full QEMU command that boots `kernel` with `cmdline` on `smp` harts.

    No display, the UART on stdio, no monitor, -no-reboot.  accel must be
    'tcg': KVM runs a guest of the host's own architecture only, and the
    hosts forkrt is built on are x86_64, so any other accel is a UserError.
    With several harts TCG gives each a host thread (thread=multi), so
    they really run in parallel, except under icount, which runs them
    round-robin on one thread and so stays deterministic.
    """
    if accel != 'tcg':
        raise UserError(f"--accel {accel}: riscv64 runs under TCG only (KVM runs a guest "
                        "of the host's own architecture); use --accel tcg", EXIT_USAGE)
    tcg = 'tcg,thread=multi' if smp > 1 and not icount else 'tcg'
    argv = [QEMU, '-machine', 'virt', '-smp', str(smp), '-m', str(mem_mib),
            '-bios', FIRMWARE, '-kernel', kernel,
            '-display', 'none', '-serial', 'stdio', '-monitor', 'none',
            '-no-reboot', '-accel', tcg]
    if cmdline:
        argv += ['-append', cmdline]
    if icount:
        argv += ['-icount', ICOUNT]
    if gdb:
        argv += ['-s', '-S']
    return argv


def decode_exit(returncode: int):
    """The guest's hal_poweroff status, or None if QEMU did not exit
    through sifive_test (killed by a signal: a negative returncode).

    QEMU's own failures (bad option, missing file) exit 1 and cannot be
    told from a guest status of 1 here; the tools also read the
    "forkrt: poweroff status=N" line the kernel prints.
    """
    if returncode is None or returncode < 0 or returncode > 255:
        return None
    return returncode
