"""How to boot forkrt on x86_64 in QEMU (imported by tools/forkrt and tools/qemu-run).

The kernel is an ELF with a PVH note: QEMU's -kernel enters it in 32-bit
protected mode.  -M microvm boots in a few hundredths of a second; it has the
ISA bus (COM1, isa-debug-exit), a PIT (kept on for timer calibration), a
local APIC per CPU (the periodic timer, IPIs) and ACPI tables (acpi=on, also
QEMU 7.2's default) whose RSDP the PVH start_info carries: the kernel finds
the -smp CPUs in the MADT, and without it runs on one.

More than one CPU: without -icount, TCG runs each on a host thread
(thread=multi) so that they really run in parallel; with -icount QEMU
runs them round-robin on one thread, which keeps runs repeatable.

Exit status: the guest's hal_poweroff(status) writes status + 1 to
isa-debug-exit, and QEMU exits with ((status + 1) << 1) | 1, of which the
shell keeps 8 bits: 2 * status + 3.  So statuses 0..125 come back exactly,
126 and above all decode as 126 (the console's "forkrt: poweroff status=N"
line carries the exact value), and QEMU's own exit codes 0 (a triple fault
under -no-reboot, which hal_poweroff also forces when the device is missing)
and 1 (QEMU error) are never mistaken for a guest status.
"""

from .common import GUEST_MEM_MIB, ICOUNT

PACKAGES = ['qemu-system-x86']
QEMU = 'qemu-system-x86_64'
GDB_ARCH = 'i386:x86-64'


def qemu_argv(kernel: str, cmdline: str, mem_mib: int = GUEST_MEM_MIB, gdb: bool = False,
              icount: bool = False, accel: str = 'tcg', smp: int = 1) -> list:
    if accel == 'tcg' and smp > 1 and not icount:
        accel = 'tcg,thread=multi'
    argv = [
        QEMU,
        '-M', 'microvm,pit=on,pic=off,rtc=off,isa-serial=on,acpi=on',
        '-accel', accel,
        '-cpu', 'host' if accel == 'kvm' else 'max',
        '-smp', str(smp),
        '-m', f'{mem_mib}M',
        '-nodefaults', '-no-user-config',
        '-display', 'none',
        '-serial', 'stdio',
        '-no-reboot',
        '-device', 'isa-debug-exit,iobase=0xf4,iosize=4',
        '-kernel', kernel,
    ]
    if cmdline:
        argv += ['-append', cmdline]
    if gdb:
        argv += ['-s', '-S']
    if icount:
        argv += ['-icount', ICOUNT]
    return argv


def decode_exit(returncode: int):
    """The guest's hal_poweroff status, or None if QEMU did not exit through isa-debug-exit."""
    if returncode < 3 or returncode > 255 or returncode % 2 == 0:
        return None
    return (returncode - 3) // 2
