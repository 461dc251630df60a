"""The prepared GPU check runs end to end with --tiny (the CPU flow: run folders, the trainer, the bare-loop
baseline, the summary), so a later session with a GPU does not find a broken script."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

from . import helpers


class GpuCheckScriptTest(unittest.TestCase):
    def test_tiny_smoke_run(self):
        with tempfile.TemporaryDirectory() as d:
            p = subprocess.run([sys.executable, os.path.join(helpers.TRAINER_ROOT, "gpu_check.py"), "--tiny", "--steps", "4",
                                "--batch", "2", "--max-length", "64", "--keep", d],
                               env=helpers.trainer_env(), capture_output=True, text=True, timeout=180)
        self.assertEqual(p.returncode, 0, p.stderr[-3000:])
        cases = [json.loads(l) for l in p.stdout.splitlines() if l.startswith('{"case"')]
        self.assertEqual([c["case"] for c in cases], ["lora", "full"])
        for c in cases:
            self.assertEqual(c["status"], "finished")
            self.assertGreater(c["tokens_per_second"], 0)
            self.assertGreater(c["baseline_tokens_per_second"], 0)
        self.assertIn("| lora |", p.stdout)


if __name__ == "__main__":
    unittest.main()
