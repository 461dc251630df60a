"""The generate mode: a finished run's base and tuned models answer a prompt file, one flushed line per prompt,
seeded; greedy answers equal a decoding loop written out here over the same weights (the known answer)."""

import io
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import torch

from prefwork_trainer import EXIT_BAD_INPUT, EXIT_FINISHED, generate, tiny

from . import helpers


def greedy(folder, prompt, steps):
    """Greedy decoding of ``prompt`` by the tiny model in ``folder``, written independently of generate.py."""
    model = tiny.load(folder).eval()
    seq = [tiny.BOS] + list(prompt.encode("utf-8"))
    out = []
    with torch.no_grad():
        for _ in range(steps):
            logits = model(torch.tensor([seq]))[0, -1]
            logits[tiny.PAD] = logits[tiny.BOS] = float("-inf")
            t = int(torch.argmax(logits))
            if t == tiny.EOS:
                break
            seq.append(t)
            out.append(t)
    return bytes(i for i in out if i < 256).decode("utf-8", errors="replace")


class GenerateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="prefwork-generate-")
        cls.model = helpers.make_tiny_model(os.path.join(cls.tmp, "model"))
        cls.run_dir = helpers.make_run(cls.tmp, helpers.toy_pairs(16), model=cls.model, max_steps=25, eval_steps=0)
        code, lines = helpers.train_in_process(cls.run_dir)
        assert code == EXIT_FINISHED, lines
        cls.prompts = os.path.join(cls.tmp, "prompts.jsonl")
        cls.texts = ["Question 91: may I book the car?", "Question 92: may I book the boat?", "Hello"]
        with open(cls.prompts, "w", encoding="utf-8") as f:
            for i, t in enumerate(cls.texts):
                f.write(json.dumps({"id": "p-%d" % i, "prompt": t}) + "\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def generate(self, which, **kw):
        out = io.StringIO()
        code = generate.run(self.run_dir, self.prompts, which, out=out, **kw)
        return code, helpers.parse(out.getvalue())

    def test_one_line_per_prompt_in_order_with_n_responses(self):
        code, lines = self.generate("tuned", n=3, max_new_tokens=12, seed=5)
        self.assertEqual(code, EXIT_FINISHED)
        self.assertEqual(lines[0]["event"], "start")
        self.assertEqual(lines[0]["prompts"], 3)
        rows = [l for l in lines if "event" not in l]
        self.assertEqual([r["id"] for r in rows], ["p-0", "p-1", "p-2"])
        for r in rows:
            self.assertEqual(len(r["responses"]), 3)
            self.assertTrue(all(1 <= t <= 12 for t in r["tokens"]), r)
        self.assertEqual(lines[-1], {"event": "end", "status": "finished", "prompts": 3})

    def test_greedy_answers_are_the_known_decoding_of_each_model(self):
        for which, folder in (("base", self.model), ("tuned", os.path.join(self.run_dir, "final"))):
            with self.subTest(which=which):
                code, lines = self.generate(which, temperature=0.0, max_new_tokens=16)
                self.assertEqual(code, EXIT_FINISHED)
                rows = [l for l in lines if "event" not in l]
                for text, row in zip(self.texts, rows):
                    self.assertEqual(row["responses"], [greedy(folder, text, 16)])
        # DPO changed the weights: the two models answer differently
        _, base = self.generate("base", temperature=0.0, max_new_tokens=16)
        _, tuned = self.generate("tuned", temperature=0.0, max_new_tokens=16)
        self.assertNotEqual(base[1]["responses"], tuned[1]["responses"])

    def test_sampling_is_seeded(self):
        _, a = self.generate("tuned", n=2, seed=7, max_new_tokens=20)
        _, b = self.generate("tuned", n=2, seed=7, max_new_tokens=20)
        _, c = self.generate("tuned", n=2, seed=8, max_new_tokens=20)
        rows = lambda lines: [l["responses"] for l in lines if "event" not in l]
        self.assertEqual(rows(a), rows(b))
        self.assertNotEqual(rows(a), rows(c))
        self.assertNotEqual(rows(a)[0][0], rows(a)[0][1])  # the n samples of one prompt differ

    def test_bad_prompt_file_names_the_line(self):
        bad = os.path.join(self.tmp, "bad.jsonl")
        with open(bad, "w", encoding="utf-8") as f:
            f.write(json.dumps({"id": 1, "prompt": "ok"}) + "\n" + json.dumps({"id": 2, "text": "no prompt"}) + "\n")
        out = io.StringIO()
        code = generate.run(self.run_dir, bad, "base", out=out)
        self.assertEqual(code, EXIT_BAD_INPUT)
        err = helpers.parse(out.getvalue())[-1]
        self.assertEqual(err["event"], "error")
        self.assertIn("line 2: field 'prompt' is missing", err["message"])

    def test_an_unfinished_run_has_no_tuned_model(self):
        run = helpers.make_run(self.tmp, helpers.toy_pairs(4), model=self.model)
        out = io.StringIO()
        self.assertEqual(generate.run(run, self.prompts, "tuned", out=out), EXIT_BAD_INPUT)
        self.assertIn("no final/ model", helpers.parse(out.getvalue())[-1]["message"])

    def test_the_command_line_streams_as_a_child_process(self):
        p = subprocess.run(helpers.trainer_command(self.run_dir)[:3] + ["--generate", self.run_dir, "--prompts", self.prompts,
                                                                     "--which", "base", "--max-new-tokens", "4"],
                           env=helpers.trainer_env(), capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, EXIT_FINISHED, p.stderr)
        lines = helpers.parse(p.stdout)
        self.assertEqual(len([l for l in lines if "event" not in l]), 3)


if __name__ == "__main__":
    unittest.main()
