"""Unit tests of the tools that need no kernel: python3 tools/forkrt_lib/selftest.py"""
import io
import os
import sys
import unittest
from unittest import mock

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from forkrt_lib import (apt, bench, benchcheck, build, common, console, profile,  # noqa: E402
                        runloop, setup, testrun)
from forkrt_lib.common import EXIT_CRASH, EXIT_TIMEOUT, UserError  # noqa: E402


class Tap(unittest.TestCase):
    def test_classify(self):
        for line in ("ok 1 - x", "not ok 2 - y # TODO z", "ok", "1..5", "# hi", "Bail out! no",
                     "TAP version 13"):
            self.assertTrue(console.is_tap(line), line)
        for line in ("okay", "forkrt: poweroff status=0", "", "  --- yaml?", "2 passed, 0 failed",
                     "panic: x", " ok 1"):
            self.assertFalse(console.is_tap(line), line)
            self.assertTrue(console.tap_safe(line).startswith("#"))

    def test_result(self):
        self.assertIs(console.tap_result("ok 1 - a"), True)
        self.assertIs(console.tap_result("ok 2 # SKIP no kvm"), True)
        self.assertIs(console.tap_result("not ok 3 - b"), False)
        self.assertIs(console.tap_result("not ok 4 - c # TODO later"), True)
        self.assertIsNone(console.tap_result("# ok 1"))
        self.assertIsNone(console.tap_result("okay"))


class Decide(unittest.TestCase):
    def d(self, **kw):
        base = dict(poweroff=None, panic=None, timed_out=False, timeout=120, qemu_rc=0,
                    decoded=None)
        base.update(kw)
        return console.decide(**base)

    def test_poweroff_wins_over_decode(self):
        o = self.d(poweroff=200, decoded=72, qemu_rc=145)
        self.assertEqual((o.kind, o.exit_code, o.status), ("exit", 200, 200))

    def test_decode_fallback(self):
        o = self.d(decoded=3, qemu_rc=7)
        self.assertEqual((o.kind, o.exit_code), ("exit", 3))

    def test_panic(self):
        o = self.d(panic="vm_fault: bad pte", qemu_rc=1, decoded=1)
        self.assertEqual((o.kind, o.exit_code), ("panic", EXIT_CRASH))
        self.assertIn("vm_fault", o.summary())

    def test_timeout(self):
        o = self.d(timed_out=True, qemu_rc=-15)
        self.assertEqual((o.kind, o.exit_code), ("timeout", EXIT_TIMEOUT))

    def test_crash(self):
        o = self.d(qemu_rc=-11)
        self.assertEqual((o.kind, o.exit_code), ("crash", EXIT_CRASH))
        self.assertIn("signal 11", o.reason)

    def test_epilogue(self):
        o = self.d(panic="x")
        self.assertTrue(console.tap_epilogue(o, [], "smoke")[0].startswith("not ok - kernel panic"))
        o = self.d(poweroff=1)
        self.assertEqual(console.tap_epilogue(o, ["not ok 1 - a"], "smoke"), [])
        self.assertEqual(console.tap_epilogue(o, ["ok 1 - a"], "smoke"),
                         ["not ok - smoke exited with status 1"])
        self.assertEqual(console.tap_epilogue(self.d(poweroff=0), ["ok 1"], "s"), [])


class Count(unittest.TestCase):
    def test_counts(self):
        t = testrun.count_test({"name": "pid", "result": "OK",
                                "stdout": "# boot\nok 1 - a\nok 2 # SKIP\n1..2\n"})
        self.assertEqual((t.passed, t.failed), (2, 0))
        t = testrun.count_test({"name": "s", "result": "FAIL",
                                "stdout": "ok 1 - a\nnot ok 2 - b\n1..2\n"})
        self.assertEqual((t.passed, t.failed), (1, 1))

    def test_bad_result_without_not_ok(self):
        t = testrun.count_test({"name": "s", "result": "ERROR",
                                "stdout": "1..3\nok 1 - a\n"})
        self.assertEqual((t.passed, t.failed), (1, 1))
        self.assertIn("planned 3, ran 1", t.note)
        t = testrun.count_test({"name": "s", "result": "TIMEOUT", "stdout": ""})
        self.assertEqual((t.passed, t.failed), (0, 1))

    def test_plain_tests(self):
        self.assertEqual(testrun.count_test({"name": "p", "result": "OK", "stdout": ""}).passed, 1)
        t = testrun.count_test({"name": "p", "result": "SKIP", "stdout": ""})
        self.assertEqual((t.passed, t.failed), (0, 0))

    def test_read_log(self):
        import tempfile
        from pathlib import Path
        with tempfile.TemporaryDirectory() as d:
            p = Path(d) / "log.json"
            p.write_text('{"name": "a", "result": "OK", "stdout": "ok 1\\n"}\n\ngarbage\n')
            self.assertEqual(len(testrun.read_log(p)), 1)
            self.assertEqual(testrun.read_log(Path(d) / "none.json"), [])


class Bench(unittest.TestCase):
    LINE = ("bench arch=riscv64 case=fork_exit_wait size_kib=0 iters=200 median_ns=1500 "
            "min_ns=1400 median_cycles=1500.5")

    def test_parse(self):
        r = bench.parse_line(self.LINE)
        self.assertEqual(list(r), ["arch", "case", "size_kib", "iters", "median_ns", "min_ns",
                                   "median_cycles"])
        self.assertEqual((r["iters"], r["median_cycles"], r["case"]), (200, 1500.5,
                                                                     "fork_exit_wait"))
        self.assertIsNone(bench.parse_line("benchmark x=1"))
        self.assertIsNone(bench.parse_line("# bench x=1"))

    def test_table_and_svg(self):
        r1 = bench.parse_line(self.LINE)
        r2 = dict(r1, arch="x86_64", median_ns=900)
        t = bench.table([("riscv64", r1), ("x86_64", r2)], ["riscv64", "x86_64"])
        self.assertIn("1,500", t)
        self.assertIn("900", t)
        import xml.etree.ElementTree as ET
        ET.fromstring(bench.svg([("riscv64", r1), ("x86_64", r2)], ["riscv64", "x86_64"]))
        ET.fromstring(bench.svg([], ["riscv64"]))


class BenchCheck(unittest.TestCase):
    def rows(self, **figures):
        return [{"case": k.rsplit("_", 1)[0], "size_kib": int(k.rsplit("_", 1)[1]),
                 "median_cycles": v} for k, v in figures.items()]

    def base(self, **figures):
        return {"conditions": dict(benchcheck.CONDITIONS),
                "x86_64": {f"{r['case']} size_kib={r['size_kib']}": r["median_cycles"]
                           for r in self.rows(**figures)}}

    def test_within_worse_better(self):
        b = self.base(fork_0=1000, vfork_0=1000, fork_exec_0=1000)
        v = benchcheck.compare("x86_64", self.rows(fork_0=1030, vfork_0=1031, fork_exec_0=960),
                               b)
        self.assertEqual([x.ok for x in v], [True, False, True])
        self.assertIn("1,031 instructions, baseline 1,000 (+3.1 %): more than 3 % worse",
                      v[1].text)
        self.assertIn("# better by more than 3 %", v[2].text)
        self.assertIn("--update-baseline", v[2].text)
        self.assertNotIn("#", v[0].text)

    def test_new_and_missing_cases_fail(self):
        v = benchcheck.compare("x86_64", self.rows(fork_0=1000, lwp_0=50),
                               self.base(fork_0=1000, gone_0=7))
        self.assertEqual([(x.key, x.ok) for x in v], [("fork size_kib=0", True),
                                                       ("lwp size_kib=0", False),
                                                       ("gone size_kib=0", False)])
        self.assertIn("no baseline", v[1].text)
        self.assertIn("not measured", v[2].text)

    def test_tap_lines(self):
        run = benchcheck.Run("riscv64", None, error="bench --check did not finish: timeout")
        self.assertEqual(benchcheck.tap_lines("riscv64", run, []),
                         ["not ok 1 - bench --check on riscv64: bench --check did not finish: "
                          "timeout"])
        v = benchcheck.compare("x86_64", self.rows(fork_0=2000), self.base(fork_0=1000))
        lines = benchcheck.tap_lines("x86_64", benchcheck.Run("x86_64", None), v)
        self.assertEqual([console.tap_result(l) for l in lines], [False])

    def test_files(self):
        import json
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "b.json")
            with self.assertRaises(UserError) as cm:
                benchcheck.load(p)
            self.assertIn("--update-baseline --check", str(cm.exception))
            with open(p, "w") as f:
                json.dump({"x86_64": {"fork size_kib=0": "many"}}, f)
            with self.assertRaises(UserError):
                benchcheck.load(p)
            with open(p, "w") as f:
                json.dump(dict(self.base(fork_0=10), riscv64={"fork size_kib=0": 20}), f)
            self.assertEqual(benchcheck.conditions_differ(benchcheck.load(p)), [])
            # an update keeps the other arch and says what moved
            run = benchcheck.Run("x86_64", None, rows=self.rows(fork_0=12, lwp_0=3))
            with mock.patch.object(benchcheck, "_describe_source", return_value="abc"), \
                 mock.patch.object(benchcheck, "_qemu_version", return_value="QEMU 7.2"):
                said = benchcheck.update(p, [run])
            self.assertEqual(said, ["x86_64 fork size_kib=0: 10 -> 12 (+20.0 %)",
                                    "x86_64 lwp size_kib=0: 3 (new)"])
            data = benchcheck.load(p)
            self.assertEqual(data["riscv64"], {"fork size_kib=0": 20})
            self.assertEqual(data["x86_64"], {"fork size_kib=0": 12, "lwp size_kib=0": 3})
            self.assertEqual(data["measured"]["x86_64"], {"commit": "abc", "qemu": "QEMU 7.2"})
            # other conditions: refused, and an update starts afresh
            data["conditions"]["cpus"] = 4
            with open(p, "w") as f:
                json.dump(data, f)
            self.assertEqual(benchcheck.conditions_differ(benchcheck.load(p)),
                             ["cpus: file 4, tool 1"])
            run2 = benchcheck.Run("x86_64", None, rows=self.rows(fork_0=11))
            with mock.patch.object(benchcheck, "_describe_source", return_value="abc"), \
                 mock.patch.object(benchcheck, "_qemu_version", return_value="QEMU 7.2"):
                benchcheck.update(p, [run2])
            data = benchcheck.load(p)
            self.assertEqual((data["riscv64"], data["x86_64"]), ({}, {"fork size_kib=0": 11}))

    def test_counted_by_forkrt_test(self):
        lines = ["ok 1 - fork size_kib=0: 1,000 instructions, baseline 1,000 (+0.0 %)",
                 "not ok 2 - lwp size_kib=0: 9 instructions, baseline 5 (+80.0 %): more than "
                 "3 % worse"]
        with mock.patch.object(benchcheck, "check_arch",
                               return_value=(benchcheck.Run("x86_64", None), lines, "boot\n")):
            t = testrun.run_bench_check("x86_64", out=io.StringIO())
        self.assertEqual((t.passed, t.failed, t.result), (1, 1, "FAIL"))
        self.assertIn("--update-baseline", t.note)
        out = io.StringIO()
        testrun.show("x86_64", [t], out=out)
        self.assertIn("[x86_64] forkrt:bench / check@smp1: not ok 2 - lwp", out.getvalue())


class Profile(unittest.TestCase):
    NM = ("ffffffff80200000 T _start\n"
          "ffffffff80200010 t .LBB0_3\n"
          "ffffffff80200020 T fork1\n"
          "ffffffff80200040 T memset\n"
          "ffffffff80300000 D some_data\n"
          "ffffffff80200000 A KERNBASE\n")
    TEXT = [(0xffffffff80200000, 0xffffffff80201000)]

    def symbols(self):
        return profile.Symbols.from_nm(self.NM, self.TEXT)

    def test_symbols(self):
        s = self.symbols()
        self.assertEqual(s.name(0xffffffff80200018), "_start")      # .L labels skipped
        self.assertEqual(s.name(0xffffffff80200024), "fork1")
        self.assertEqual(s.name(0xffffffff80200fff), "memset")
        self.assertEqual(s.name(0xffffffff80300000), profile.NOSYM)  # not text

    RISCV_LOG = """----------------
IN: fork1
Priv: 1; Virt: 0
0xffffffff80200020:  1141              addi                    sp,sp,-16
0xffffffff80200022:  e406              sd                      ra,8(sp)
0xffffffff80200024:  0000006f          j                       28                      # 0xffffffff80200040

Trace 0: 0x7f0000000100 [0000000000000000/ffffffff80200020/00000001/ff020200] fork1
----------------
IN: memset
Priv: 1; Virt: 0
0xffffffff8020003c:  0001              nop
0xffffffff8020003e:  0001              nop
0xffffffff80200040:  8082              ret

Trace 0: 0x7f0000000200 [0000000000000000/ffffffff8020003c/00000001/ff020200] memset
Trace 0: 0x7f0000000100 [0000000000000000/ffffffff80200020/00000001/ff020200] fork1
Stopped execution of TB chain before 0x7f0000000100 [ffffffff80200020] fork1
Trace 0: 0x7f0000000100 [0000000000000000/ffffffff80200020/00000001/ff020200] fork1
----------------
IN:
Priv: 0; Virt: 0
0x0000000000400000:  7139              addi                    sp,sp,-64
0x0000000000400002:  00000073          ecall

Trace 0: 0x7f0000000300 [0000000000000000/0000000000400000/00000000/ff020200]
Trace 0: 0x7f0000000300 [0000000000000000/0000000000400000/00000000/ff020200]
----------------
IN:
Priv: 3; Virt: 0
0x0000000080000100:  30200073          mret

Trace 0: 0x7f0000000400 [0000000000000000/0000000080000100/00000003/ff020200]
Trace 0: 0x7f0000000200 [0000000000000000/ffffffff8020003c/00000001/ff020200] memset
cpu_io_recompile: rewound execution of TB to ffffffff8020003c
----------------
IN: fork1
Priv: 1; Virt: 0
0xffffffff80200020:  1141              addi                    sp,sp,-16

Trace 0: 0x7f0000000100 [0000000000000000/ffffffff80200020/00000001/ff020200] fork1
Trace 0: 0x7f0000000900 [0000000000000000/ffffffff80200020/00000001/ff020200] fork1
"""

    def test_parse_riscv(self):
        c = profile.parse_log(io.StringIO(self.RISCV_LOG), "riscv64", self.symbols())
        # fork1's first TB: 3 instructions, run 3 times, one of them stopped
        # at its start, so 2 x 3; memset's TB: 2 nops still in fork1's range
        # (memset starts at 0x40) and the ret, run twice, one rewound; the
        # new 1-instruction TB at fork1's old host pointer, run once; the
        # last Trace names a host pointer no translation was seen for.
        self.assertEqual(c.by_label["fork1"], 3 * 2 + 2 * 1 + 1)
        self.assertEqual(c.by_label["memset"], 1)
        self.assertEqual(c.by_label[profile.USER], 4)
        self.assertEqual(c.by_label[profile.FIRMWARE], 1)
        self.assertEqual((c.undone, c.unknown), (2, 1))
        self.assertEqual(c.total, 15)

    X86_LOG = """----------------
IN: fork1
0xffffffff80200020:  48 b8 67 00 00 00 00 89  movabsq  $0x890000000067, %rax
0xffffffff80200028:  00 00
0xffffffff8020002a:  0f 05                    syscall

Trace 0: 0x7f0000000100 [0000000000000000/ffffffff80200020/00a040b0/ff020200] fork1
----------------
IN:
0x0000000000400000:  0f 05                    syscall

Trace 0: 0x7f0000000200 [0000000000000000/0000000000400000/00a040b3/ff020200]
Trace 0: 0x7f0000000100 [0000000000000000/ffffffff80200020/00a040b0/ff020200] fork1
"""

    def test_parse_x86(self):
        c = profile.parse_log(io.StringIO(self.X86_LOG), "x86_64", self.symbols())
        # the movabsq's second line of bytes is not an instruction; CPL 3 is user
        self.assertEqual(dict(c.by_label), {"fork1": 4, profile.USER: 1})

    def test_bad_line(self):
        with self.assertRaises(UserError) as cm:
            profile.parse_log(io.StringIO("Trace 0: 0x7f00 garbage\n"), "x86_64",
                              self.symbols())
        self.assertIn("another QEMU version", str(cm.exception))

    def test_side_by_side(self):
        a = profile.ArchProfile("riscv64", "fork_exit_wait", 0, 10,
                                {"memset": 600.0, "fork1": 300.0, profile.USER: 100.0}, 990.0)
        b = profile.ArchProfile("x86_64", "fork_exit_wait", 0, 10, {"fork1": 50.0}, 49.0)
        text = profile.side_by_side([a, b], top=2)
        lines = text.splitlines()
        self.assertTrue(lines[0].startswith("riscv64") and "x86_64" in lines[0])
        self.assertIn("memset", lines[1])
        self.assertIn("60.0", lines[1])
        self.assertTrue(any(l.startswith("(1 more)") for l in lines))
        self.assertTrue(any(l.startswith("total") and "1,000" in l for l in lines))
        self.assertTrue(any(l.startswith("guest cycle counter") and "990" in l for l in lines))


class Setup(unittest.TestCase):
    def test_all_present_no_apt(self):
        with mock.patch("shutil.which", return_value="/usr/bin/x"), \
             mock.patch("os.path.isfile", return_value=True), \
             mock.patch.object(setup, "_dpkg_missing", return_value=[]), \
             mock.patch("subprocess.run") as run:
            setup.ensure()
            run.assert_not_called()

    def test_missing_not_root(self):
        def which(name):
            return None if name in ("qemu-system-riscv64", "ld.lld") else "/usr/bin/" + name
        with mock.patch("shutil.which", side_effect=which), \
             mock.patch("os.path.isfile", return_value=True), \
             mock.patch.object(setup, "_dpkg_missing", return_value=[]), \
             mock.patch("os.geteuid", return_value=1000), \
             mock.patch("subprocess.run") as run:
            with self.assertRaises(UserError) as cm:
                setup.ensure()
            run.assert_not_called()
        msg = str(cm.exception)
        self.assertIn("qemu-system-riscv64 not found; run as root to install it, "
                      "or apt-get install qemu-system-misc", msg)
        self.assertIn("apt-get install lld qemu-system-misc", msg)

    def test_missing_root_installs(self):
        state = {"installed": False}

        def which(name):
            if name == "gdb-multiarch" and not state["installed"]:
                return None
            return "/usr/bin/" + name

        def run(cmd, **kw):
            if cmd[:2] == ["apt-get", "install"]:
                self.assertEqual(kw["env"]["DEBIAN_FRONTEND"], "noninteractive")
                self.assertEqual(cmd, ["apt-get", "install", "-y", "gdb-multiarch"])
                state["installed"] = True
            return mock.Mock(returncode=0)
        with mock.patch("shutil.which", side_effect=which), \
             mock.patch("os.path.isfile", return_value=True), \
             mock.patch.object(setup, "_dpkg_missing", return_value=[]), \
             mock.patch("os.geteuid", return_value=0), \
             mock.patch("subprocess.run", side_effect=run) as r, \
             mock.patch("sys.stdout", new=io.StringIO()):
            setup.ensure()                  # no --gdb: nothing to do
            r.assert_not_called()
            setup.ensure(gdb=True)
            self.assertEqual(r.call_args_list[0].args[0], ["apt-get", "update"])


class Apt(unittest.TestCase):
    def test_can_install_only_as_root_with_apt(self):
        for uid, which, want in ((0, "/usr/bin/apt-get", True), (1000, "/usr/bin/apt-get", False),
                                 (0, None, False)):
            with mock.patch("os.geteuid", return_value=uid), \
                 mock.patch("shutil.which", return_value=which):
                self.assertIs(apt.can_install(), want, (uid, which))

    def test_command(self):
        self.assertEqual(apt.command(["lld", "qemu-system-misc"]),
                         "apt-get install lld qemu-system-misc")

    def _install(self, statuses, **kw):
        """apt.install with apt-get's statuses in turn; the commands run."""
        ran = []

        def run(cmd, **k):
            self.assertEqual(k["env"]["DEBIAN_FRONTEND"], "noninteractive")
            ran.append(cmd)
            return mock.Mock(returncode=statuses[len(ran) - 1])
        with mock.patch("subprocess.run", side_effect=run):
            last, rc = apt.install(["p1", "p2"], **kw)
        return ran, last, rc

    def test_update_first(self):
        ran, last, rc = self._install([0, 0])
        self.assertEqual(ran, [["apt-get", "update"], ["apt-get", "install", "-y", "p1", "p2"]])
        self.assertEqual((last, rc), (ran[1], 0))
        ran, last, rc = self._install([100])          # a failed update stops there
        self.assertEqual((ran, last, rc), ([["apt-get", "update"]], ["apt-get", "update"], 100))

    def test_update_on_failure(self):
        opts = dict(options=["--no-install-recommends"], update=apt.UPDATE_ON_FAILURE)
        inst = ["apt-get", "install", "-y", "--no-install-recommends", "p1", "p2"]
        ran, _, rc = self._install([0], **opts)
        self.assertEqual((ran, rc), ([inst], 0))
        ran, last, rc = self._install([100, 0, 0], **opts)
        self.assertEqual((ran, last, rc), ([inst, ["apt-get", "update"], inst], inst, 0))

    def test_update_never(self):
        ran, _, rc = self._install([1], options=["-qq"], update=apt.UPDATE_NEVER)
        self.assertEqual((ran, rc), ([["apt-get", "install", "-y", "-qq", "p1", "p2"]], 1))


class Accel(unittest.TestCase):
    def test_riscv64_is_tcg_only(self):
        mod = common.arch_module("riscv64")
        self.assertIn("tcg", mod.qemu_argv("k.elf", "", accel="tcg"))
        with self.assertRaises(UserError) as cm:
            mod.qemu_argv("k.elf", "", accel="kvm")
        self.assertEqual(cm.exception.code, common.EXIT_USAGE)

    def test_kvm_needs_x86_64(self):
        with self.assertRaises(UserError):
            runloop.check_accel(["riscv64"], "kvm")
        runloop.check_accel(["riscv64"], "tcg")
        runloop.check_accel(["riscv64", "x86_64"], "kvm")     # riscv64 falls back to TCG


class App(unittest.TestCase):
    def test_resolve(self):
        self.assertEqual(build.resolve_app(None), "")
        with self.assertRaises(UserError):
            build.resolve_app("/nonexistent/hello.c")
        with self.assertRaises(UserError):
            build.resolve_app(os.path.abspath(__file__))      # not a .c file
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            open(os.path.join(d, "hello.c"), "w").close()
            cwd = os.getcwd()
            os.chdir(d)
            try:
                self.assertEqual(build.resolve_app("hello.c"),
                                 os.path.realpath(os.path.join(d, "hello.c")))
            finally:
                os.chdir(cwd)


if __name__ == "__main__":
    unittest.main(verbosity=1)
