"""Real DPO runs of the tiny model on CPU: the policy learns a toy preference, the first step sees policy =
reference on every reference path, the metric stream has TRL's names, the reference cache is reused, bad pair
files are refused with file, line and field."""

import json
import math
import os
import shutil
import tempfile
import unittest

from prefwork_trainer import EXIT_BAD_INPUT, EXIT_FINISHED

from . import helpers


class TrainingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="prefwork-trainer-")
        cls.model = helpers.make_tiny_model(os.path.join(cls.tmp, "model"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_ok(self, pairs=None, **config):
        run = helpers.make_run(self.tmp, pairs or helpers.toy_pairs(16), model=self.model, **config)
        code, lines = helpers.train_in_process(run)
        self.assertEqual(code, EXIT_FINISHED, lines)
        return run, lines

    def test_chosen_log_prob_rises_relative_to_rejected(self):
        _, lines = self.run_ok(max_steps=25, eval_steps=0)
        m = helpers.metrics(lines)
        first, last = m[0], m[-1]
        self.assertLess(abs(first["rewards/margins"]), 0.05)
        self.assertGreater(last["rewards/margins"], 1.0)
        self.assertEqual(last["rewards/accuracies"], 1.0)
        self.assertLess(last["loss"], 0.3)
        # the margin is the chosen-minus-rejected log-prob gain over the reference, times beta
        gain = (last["logps/chosen"] - last["logps/rejected"]) - (first["logps/chosen"] - first["logps/rejected"])
        self.assertGreater(gain, 5.0)
        # held out (eval_fraction 0.1 of 16 pairs = 2): the preference generalises to unseen prompts
        e = helpers.evals(lines)[-1]
        self.assertGreater(e["eval_rewards/margins"], 1.0)

    def test_first_step_sees_the_policy_equal_to_the_reference_on_every_path(self):
        for method, precompute in (("lora", True), ("lora", False), ("full", True), ("full", False)):
            with self.subTest(method=method, precompute=precompute):
                _, lines = self.run_ok(method=method, precompute_ref_log_probs=precompute, max_steps=2,
                                       learning_rate=1e-3, eval_steps=0)
                first = helpers.metrics(lines)[0]
                self.assertAlmostEqual(first["loss"], math.log(2), places=4)
                self.assertAlmostEqual(first["rewards/chosen"], 0.0, places=4)
                self.assertAlmostEqual(first["rewards/rejected"], 0.0, places=4)
                self.assertEqual(helpers.events(lines, "reference")[0]["source"], "computed" if precompute else "on the fly")

    def test_ipo_and_hinge_train_too(self):
        for loss_type in ("ipo", "hinge"):
            with self.subTest(loss_type=loss_type):
                _, lines = self.run_ok(loss_type=loss_type, max_steps=15, eval_steps=0)
                m = helpers.metrics(lines)
                self.assertTrue(all(math.isfinite(x["loss"]) for x in m))
                self.assertGreater(m[-1]["rewards/margins"], m[0]["rewards/margins"])

    def test_metric_stream_format(self):
        run, lines = self.run_ok(max_steps=6, logging_steps=2, eval_steps=3, gradient_accumulation_steps=2,
                                 per_device_train_batch_size=2, gradient_checkpointing=True)
        kinds = [l.get("event", "metric") for l in lines]
        self.assertEqual(kinds[:2], ["start", "reference"])
        self.assertEqual(kinds[-1], "end")
        start = helpers.events(lines, "start")[0]
        self.assertEqual(start["total_steps"], 6)
        self.assertEqual(start["train_pairs"], 14)
        self.assertEqual(start["eval_pairs"], 2)
        m = helpers.metrics(lines)
        self.assertEqual([x["step"] for x in m], [2, 4, 6])
        for point in m:
            for key in helpers.REQUIRED_TRAIN_KEYS:
                self.assertIn(key, point)
                self.assertIsInstance(point[key], (int, float), key)
                self.assertTrue(math.isfinite(point[key]), key)
            self.assertGreater(point["tokens_per_second"], 0)
            self.assertEqual(point["gpu_memory_gb"], 0.0)  # CPU
            self.assertGreaterEqual(point["rewards/accuracies"], 0.0)
            self.assertLessEqual(point["rewards/accuracies"], 1.0)
            self.assertAlmostEqual(point["rewards/margins"], point["rewards/chosen"] - point["rewards/rejected"], places=6)
        self.assertEqual([x["epoch"] for x in m], [0.5, 1.0, 1.5])  # 14 pairs / (2 x 2) a step = 4 steps an epoch
        e = helpers.evals(lines)
        self.assertEqual([x["step"] for x in e], [3, 6])
        for point in e:
            for key in ("eval_loss", "eval_rewards/chosen", "eval_rewards/rejected", "eval_rewards/accuracies",
                        "eval_rewards/margins", "eval_logps/chosen", "eval_logps/rejected"):
                self.assertTrue(math.isfinite(point[key]), key)
        end = lines[-1]
        self.assertEqual(end["status"], "finished")
        self.assertEqual(end["step"], 6)
        self.assertIn("eval_loss", end["metrics"])
        for a in end["artifacts"]:
            self.assertTrue(os.path.exists(os.path.join(run, a)), a)
        self.assertFalse(os.path.exists(os.path.join(run, "checkpoints")))
        # the final model loads as a tiny model again
        from prefwork_trainer import tiny
        tiny.load(os.path.join(run, "final"))

    def test_reference_log_probs_are_cached_and_reused(self):
        pairs = helpers.toy_pairs(12)
        first, lines = self.run_ok(pairs=pairs, max_steps=2)
        self.assertEqual(helpers.events(lines, "reference")[0]["source"], "computed")
        with open(os.path.join(first, "reference_logps.json")) as f:
            cached = json.load(f)
        self.assertEqual(len(cached["train"]) + len(cached["eval"]), 12)
        second, lines = self.run_ok(pairs=pairs, max_steps=2, reference_cache_from=[first])
        ref = helpers.events(lines, "reference")[0]
        self.assertEqual(ref["source"], "cache")
        with open(os.path.join(second, "reference_logps.json")) as f:
            self.assertEqual(json.load(f), cached)  # copied into the new run: it stays self-contained
        # other pairs: the fingerprint differs, the values are computed again
        changed = pairs[:-1] + [dict(pairs[-1], chosen=" Yes, different.")]
        _, lines = self.run_ok(pairs=changed, max_steps=2, reference_cache_from=[first])
        self.assertEqual(helpers.events(lines, "reference")[0]["source"], "computed")

    def test_bad_pair_file_names_file_line_and_field(self):
        good = json.dumps(helpers.toy_pairs(1)[0])
        run = helpers.make_run(self.tmp, [good, json.dumps({"prompt": "p", "chosen": "c"})], model=self.model)
        code, lines = helpers.train_in_process(run)
        self.assertEqual(code, EXIT_BAD_INPUT)
        err = helpers.events(lines, "error")[0]
        self.assertEqual(err["kind"], "bad_input")
        self.assertIn("train.jsonl: line 2: field 'rejected' is missing", err["message"])

    def test_bad_config_names_the_field(self):
        run = helpers.make_run(self.tmp, helpers.toy_pairs(4), model=self.model, beta=-1)
        code, lines = helpers.train_in_process(run)
        self.assertEqual(code, EXIT_BAD_INPUT)
        self.assertIn("field 'beta' must be > 0", helpers.events(lines, "error")[0]["message"])

    def test_conversational_pairs(self):
        pairs = [{"prompt": [{"role": "user", "content": "Book the hotel %d?" % i}],
                  "chosen": [{"role": "assistant", "content": "Yes, through the desk."}],
                  "rejected": [{"role": "assistant", "content": "No."}]} for i in range(6)]
        _, lines = self.run_ok(pairs=pairs, max_steps=3)
        self.assertEqual(lines[-1]["status"], "finished")


if __name__ == "__main__":
    unittest.main()
