"""The DPO losses and sequence log-probs against values worked out by hand."""

import math
import unittest

import torch

from prefwork_trainer import data, tiny
from prefwork_trainer.losses import dpo_loss, sequence_logps

from . import helpers


def t(*v):
    return torch.tensor(v, dtype=torch.float64)


class DpoLossTest(unittest.TestCase):
    # policy chosen -10, rejected -12; reference -11 for both: h = (-10 - -12) - (-11 - -11) = 2
    PC, PR, RC, RR = t(-10.0), t(-12.0), t(-11.0), t(-11.0)

    def loss(self, loss_type, beta=0.1, smoothing=0.0, pc=None):
        losses, cr, rr = dpo_loss(self.PC if pc is None else pc, self.PR, self.RC, self.RR, beta, loss_type, smoothing)
        return losses.item(), cr.item(), rr.item()

    def test_sigmoid(self):
        loss, cr, rr = self.loss("sigmoid")
        # -log sigma(0.1 * 2) = log(1 + e^-0.2)
        self.assertAlmostEqual(loss, math.log(1 + math.exp(-0.2)), places=12)
        self.assertAlmostEqual(loss, 0.5981388693, places=9)
        self.assertAlmostEqual(cr, 0.1, places=12)    # beta (log pi - log ref) = 0.1 * (-10 + 11)
        self.assertAlmostEqual(rr, -0.1, places=12)   # 0.1 * (-12 + 11)

    def test_sigmoid_is_log_2_when_the_policy_is_the_reference(self):
        losses, cr, rr = dpo_loss(t(-11.0), t(-13.0), t(-11.0), t(-13.0), 0.1)
        self.assertAlmostEqual(losses.item(), math.log(2), places=12)
        self.assertEqual((cr.item(), rr.item()), (0.0, 0.0))

    def test_sigmoid_with_label_smoothing(self):
        loss, _, _ = self.loss("sigmoid", smoothing=0.1)
        # 0.9 * log(1 + e^-0.2) + 0.1 * log(1 + e^0.2)
        self.assertAlmostEqual(loss, 0.9 * 0.5981388693 + 0.1 * 0.7981388693, places=9)
        self.assertAlmostEqual(loss, 0.6181388693, places=9)

    def test_hinge(self):
        self.assertAlmostEqual(self.loss("hinge")[0], 0.8, places=12)               # max(0, 1 - 0.2)
        self.assertAlmostEqual(self.loss("hinge", beta=1.0)[0], 0.0, places=12)     # max(0, 1 - 2)
        self.assertAlmostEqual(self.loss("hinge", beta=0.25)[0], 0.5, places=12)    # 1 - 0.5

    def test_ipo(self):
        self.assertAlmostEqual(self.loss("ipo")[0], 9.0, places=12)                 # (2 - 1/0.2)^2
        self.assertAlmostEqual(self.loss("ipo", beta=0.25)[0], 0.0, places=12)      # (2 - 2)^2
        self.assertAlmostEqual(self.loss("ipo", beta=0.5)[0], 1.0, places=12)       # (2 - 1)^2

    def test_gradient_of_sigmoid_pushes_chosen_up_and_rejected_down(self):
        pc = t(-10.0).requires_grad_()
        pr = t(-12.0).requires_grad_()
        dpo_loss(pc, pr, self.RC, self.RR, 0.1)[0].backward()
        # d/dpc = -beta * sigma(-beta h) = -0.1 * sigma(-0.2)
        self.assertAlmostEqual(pc.grad.item(), -0.1 / (1 + math.exp(0.2)), places=12)
        self.assertAlmostEqual(pr.grad.item(), 0.1 / (1 + math.exp(0.2)), places=12)

    def test_unknown_loss_type(self):
        with self.assertRaises(ValueError):
            self.loss("kto")


class SequenceLogpsTest(unittest.TestCase):
    def test_sums_only_completion_tokens(self):
        # vocab 3; every position predicts p = [1/4, 1/4, 1/2]
        logits = torch.log(torch.tensor([0.25, 0.25, 0.5])).expand(1, 5, 3).clone()
        ids = torch.tensor([[0, 1, 2, 2, 0]])
        mask = torch.tensor([[0, 0, 1, 1, 1]])   # prompt = tokens 0, 1; completion = tokens 2, 3, 4
        total, counts = sequence_logps(logits, ids, mask)
        # completion tokens 2, 2, 0 scored by positions 1, 2, 3: log 1/2 + log 1/2 + log 1/4
        self.assertAlmostEqual(total.item(), 2 * math.log(0.5) + math.log(0.25), places=6)
        self.assertEqual(counts.item(), 3)
        avg, _ = sequence_logps(logits, ids, mask, average=True)
        self.assertAlmostEqual(avg.item(), (2 * math.log(0.5) + math.log(0.25)) / 3, places=6)

    def test_prompt_tokens_do_not_count(self):
        logits = torch.randn(1, 6, 7)
        ids = torch.tensor([[1, 2, 3, 4, 5, 6]])
        mask = torch.tensor([[0, 0, 0, 1, 1, 1]])
        a, _ = sequence_logps(logits, ids, mask)
        ids2 = ids.clone()
        ids2[0, 1:3] = torch.tensor([6, 0])        # other prompt tokens, same logits: same completion log-prob
        b, _ = sequence_logps(logits, ids2, mask)
        self.assertAlmostEqual(a.item(), b.item(), places=6)

    def test_concatenated_padded_batch_equals_each_sequence_alone(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            model = tiny.load(helpers.make_tiny_model(d + "/m")).eval()
        enc = data.PairEncoder(tiny.ByteTokenizer(), 96, 48)
        pairs = [("Short?", " Yes.", " No, never, not at all."), ("A much longer prompt here?", " Sure thing.", " No.")]
        encoded = [enc.encode(p) for p in pairs]
        batch = data.collate(encoded, tiny.PAD)
        self.assertEqual(batch["input_ids"].shape[0], 4)  # chosen 1, chosen 2, rejected 1, rejected 2
        with torch.no_grad():
            together, _ = sequence_logps(model(batch["input_ids"]), batch["input_ids"], batch["loss_mask"])
            for row, (e, name) in enumerate([(encoded[0], "chosen"), (encoded[1], "chosen"),
                                             (encoded[0], "rejected"), (encoded[1], "rejected")]):
                p, c = e[name]
                ids = torch.tensor([p + c])
                mask = torch.tensor([[0] * len(p) + [1] * len(c)])
                alone, n = sequence_logps(model(ids), ids, mask)
                self.assertAlmostEqual(together[row].item(), alone.item(), places=4)
                self.assertEqual(n.item(), len(c))
                self.assertEqual(batch["loss_mask"][row].sum().item(), len(c))

    def test_truncation_keeps_the_prompt_end_and_cuts_the_completion(self):
        enc = data.PairEncoder(tiny.ByteTokenizer(), 20, 8)
        e = enc.encode(("P" * 30 + "END", "c" * 40, "r"))
        p, c = e["chosen"]
        self.assertEqual(len(p), 8)
        self.assertEqual(bytes(p[-3:]).decode(), "END")
        self.assertEqual(len(p) + len(c), 20)
        p, r = e["rejected"]
        self.assertEqual(r[-1], tiny.EOS)  # short enough: untouched, ends in EOS


if __name__ == "__main__":
    unittest.main()
