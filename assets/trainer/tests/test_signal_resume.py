"""SIGTERM saves a checkpoint and exits cleanly; --resume continues from it to the same result as a run that
was never stopped; the run folder's launch.sh runs the trainer."""

import json
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import unittest

from prefwork_trainer import EXIT_FINISHED, EXIT_STOPPED

from . import helpers

STEPS = 120


class SignalResumeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="prefwork-trainer-")
        cls.model = helpers.make_tiny_model(os.path.join(cls.tmp, "model"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def config(self):
        # dropout on, so resuming must restore the random state too
        return dict(max_steps=STEPS, learning_rate=3e-3, lora_dropout=0.1, eval_steps=0, logging_steps=1,
                    warmup_steps=10, per_device_train_batch_size=2)

    def test_sigterm_checkpoints_and_resume_finishes_like_an_uninterrupted_run(self):
        pairs = helpers.toy_pairs(10)
        run = helpers.make_run(self.tmp, pairs, model=self.model, **self.config())
        p = subprocess.Popen(helpers.trainer_command(run), env=helpers.trainer_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        seen = []
        for line in p.stdout:
            seen.append(json.loads(line))
            if "loss" in seen[-1] and seen[-1]["step"] >= 3:
                break
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=60)
        lines = seen + helpers.parse(out)
        self.assertEqual(p.returncode, EXIT_STOPPED, err)
        end = lines[-1]
        self.assertEqual((end["event"], end["status"], end["reason"]), ("end", "cancelled", "SIGTERM"))
        stopped_at = end["step"]
        self.assertLess(stopped_at, STEPS)
        self.assertEqual(helpers.events(lines, "checkpoint")[-1]["step"], stopped_at)
        with open(os.path.join(run, "checkpoints", "last", "trainer_state.json")) as f:
            self.assertEqual(json.load(f)["step"], stopped_at)
        self.assertEqual(helpers.metrics(lines)[-1]["step"], stopped_at)

        code, resumed, err = helpers.run_trainer(run, "--resume")
        self.assertEqual(code, EXIT_FINISHED, err)
        self.assertEqual(helpers.events(resumed, "start")[0]["resumed_from_step"], stopped_at)
        self.assertEqual(helpers.events(resumed, "reference")[0]["source"], "cache")
        steps = [m["step"] for m in helpers.metrics(resumed)]
        self.assertEqual(steps, list(range(stopped_at + 1, STEPS + 1)))
        self.assertEqual(resumed[-1]["status"], "finished")
        self.assertTrue(os.path.isfile(os.path.join(run, "final", "model.pt")))

        # the same run never stopped ends at the same point
        straight = helpers.make_run(self.tmp, pairs, model=self.model, **self.config())
        code, whole = helpers.train_in_process(straight)
        self.assertEqual(code, EXIT_FINISHED)
        a, b = helpers.metrics(whole)[-1], helpers.metrics(resumed)[-1]
        for key in ("loss", "rewards/margins", "logps/chosen", "learning_rate"):
            self.assertAlmostEqual(a[key], b[key], places=4, msg=key)

    def test_resume_without_a_checkpoint_starts_over(self):
        run = helpers.make_run(self.tmp, helpers.toy_pairs(4), model=self.model, max_steps=2)
        code, lines = helpers.train_in_process(run, resume=True)
        self.assertEqual(code, EXIT_FINISHED)
        self.assertIn("no checkpoint", helpers.events(lines, "warning")[0]["message"])

    def test_launch_sh_runs_the_folder_on_its_own(self):
        run = helpers.make_run(self.tmp, helpers.toy_pairs(6), model=self.model, max_steps=3)
        shutil.copytree(os.path.join(helpers.TRAINER_ROOT, "prefwork_trainer"), os.path.join(run, "trainer", "prefwork_trainer"))
        script = os.path.join(run, "launch.sh")
        shutil.copy(os.path.join(helpers.TRAINER_ROOT, "launch.sh"), script)
        os.chmod(script, os.stat(script).st_mode | stat.S_IXUSR)
        env = dict(os.environ, PYTHON=helpers.sys.executable, NPROC="1")
        env.pop("PYTHONPATH", None)  # the folder's own trainer/ copy must be enough
        p = subprocess.run([script], env=env, capture_output=True, text=True, timeout=120, cwd=self.tmp)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(run, "stdout.log")) as f:
            logged = helpers.parse(f.read())
        self.assertEqual(logged[-1]["status"], "finished")
        self.assertEqual(helpers.parse(p.stdout), logged)


if __name__ == "__main__":
    unittest.main()
