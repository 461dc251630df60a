"""The tiny model's own LoRA: starts equal to the base model, the reference is the adapter switched off, and the
merged weights compute what the adapted model computes."""

import tempfile
import unittest

import torch

from prefwork_trainer import lora, tiny

from . import helpers


class LoraTest(unittest.TestCase):
    def setUp(self):
        with tempfile.TemporaryDirectory() as d:
            self.base = tiny.load(helpers.make_tiny_model(d + "/m")).eval()
        self.ids = torch.randint(0, 256, (2, 12))

    def test_adapted_model_starts_as_the_base_and_only_adapters_train(self):
        import copy
        model = copy.deepcopy(self.base)
        adapters = lora.LoRA(model, r=4, alpha=8, dropout=0.0)
        self.assertEqual(len(adapters.names), 2 * 4)  # q, k, v, o in each of the 2 blocks
        with torch.no_grad():
            self.assertTrue(torch.allclose(model(self.ids), self.base(self.ids)))
        trainable = [n for n, p in model.named_parameters() if p.requires_grad]
        self.assertTrue(trainable and all("lora_" in n for n in trainable))

    def test_disabled_adapters_give_the_reference_and_merging_keeps_the_output(self):
        import copy
        model = copy.deepcopy(self.base)
        adapters = lora.LoRA(model, r=4, alpha=8, dropout=0.0)
        with torch.no_grad():
            for n, p in model.named_parameters():
                if "lora_B" in n:
                    p.normal_()
            adapted = model(self.ids)
            self.assertFalse(torch.allclose(adapted, self.base(self.ids), atol=1e-4))
            with adapters.disabled():
                self.assertTrue(torch.allclose(model(self.ids), self.base(self.ids), atol=1e-6))
            self.assertTrue(torch.allclose(model(self.ids), adapted))
            merged = adapters.merge_into_plain()
            self.assertTrue(torch.allclose(merged(self.ids), adapted, atol=1e-4))
            self.assertEqual(set(merged.state_dict()), set(self.base.state_dict()))

    def test_targets_that_match_nothing_are_an_error(self):
        import copy
        with self.assertRaises(ValueError):
            lora.LoRA(copy.deepcopy(self.base), 4, 8, 0.0, ["nope"])


if __name__ == "__main__":
    unittest.main()
