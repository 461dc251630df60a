"""Two DDP processes on the CPU (gloo), started with the environment torchrun gives its workers (WORLD_SIZE,
RANK, LOCAL_RANK, MASTER_ADDR/PORT): one metric stream, from rank 0, and one final model."""

import os
import shutil
import socket
import subprocess
import tempfile
import unittest

import torch

from prefwork_trainer import EXIT_FINISHED

from . import helpers


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@unittest.skipUnless(torch.distributed.is_available() and torch.distributed.is_gloo_available(), "no gloo backend")
class DdpTest(unittest.TestCase):
    def test_two_processes_train_one_run(self):
        tmp = tempfile.mkdtemp(prefix="prefwork-ddp-")
        try:
            run = helpers.make_run(tmp, helpers.toy_pairs(12), max_steps=4, eval_steps=2,
                                   per_device_train_batch_size=2)
            port = str(free_port())
            procs = []
            for rank in (0, 1):
                env = dict(helpers.trainer_env(), WORLD_SIZE="2", RANK=str(rank), LOCAL_RANK=str(rank),
                           MASTER_ADDR="127.0.0.1", MASTER_PORT=port)
                procs.append(subprocess.Popen(helpers.trainer_command(run), env=env, stdout=subprocess.PIPE,
                                              stderr=subprocess.PIPE, text=True))
            outs = [p.communicate(timeout=120) for p in procs]
            for p, (out, err) in zip(procs, outs):
                self.assertEqual(p.returncode, EXIT_FINISHED, err)
            lines = helpers.parse(outs[0][0])
            self.assertEqual(outs[1][0], "", "only rank 0 prints")
            self.assertEqual(helpers.events(lines, "start")[0]["world_size"], 2)
            # 11 train pairs over 2 ranks x batch 2: 3 micro-batches a rank, so 3 steps an epoch
            self.assertEqual(helpers.events(lines, "start")[0]["steps_per_epoch"], 3)
            self.assertEqual([m["step"] for m in helpers.metrics(lines)], [1, 2, 3, 4])
            self.assertEqual(lines[-1]["status"], "finished")
            self.assertTrue(os.path.isfile(os.path.join(run, "final", "model.pt")))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
