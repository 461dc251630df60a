"""What this interpreter can train with, as one JSON object on stdout.

Runs on any Python 3 (standard library only at the top): ``python envcheck.py``. The workbench runs it on
every interpreter it finds and picks one that has torch. Versions of transformers, peft and accelerate come
from the installed distributions' metadata, so the check does not pay for importing them.
"""

import json
import platform
import sys


def _version(dist):
    try:
        from importlib import metadata
    except ImportError:  # Python < 3.8
        return None
    try:
        return metadata.version(dist)
    except Exception:
        return None


def probe():
    report = {
        "executable": sys.executable,
        "python": platform.python_version(),
        "torch": None,
        "torch_error": None,
        "cuda": False,
        "cuda_version": None,
        "gpus": [],
        "distributed": False,
        "bf16": False,
        "transformers": _version("transformers"),
        "peft": _version("peft"),
        "accelerate": _version("accelerate"),
    }
    try:
        import torch
    except Exception as e:  # ImportError, or a broken install
        report["torch_error"] = "%s: %s" % (type(e).__name__, e)
        return report
    report["torch"] = torch.__version__
    try:
        report["distributed"] = bool(torch.distributed.is_available())
    except Exception:
        pass
    try:
        if torch.cuda.is_available():
            report["cuda"] = True
            report["cuda_version"] = torch.version.cuda
            report["bf16"] = bool(torch.cuda.is_bf16_supported())
            for i in range(torch.cuda.device_count()):
                p = torch.cuda.get_device_properties(i)
                report["gpus"].append({"name": p.name, "memory_gb": round(p.total_memory / 1e9, 1)})
    except Exception as e:
        report["torch_error"] = "CUDA: %s: %s" % (type(e).__name__, e)
    return report


if __name__ == "__main__":
    sys.stdout.write(json.dumps(probe()) + "\n")
