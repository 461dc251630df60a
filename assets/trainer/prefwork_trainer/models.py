"""Loading the policy, its reference and tokenizer, for the two kinds of model folder.

* a transformers model (``config.json``; or a Hub id already in the local cache): AutoModelForCausalLM and
  AutoTokenizer, offline; LoRA through peft (reference = the adapter disabled), or full fine-tuning with a
  frozen reference copy. transformers and peft are imported here, only for such a model.
* the trainer's own tiny model (``prefwork-tiny.json``): plain torch, with the minimal LoRA in ``lora.py``.

Either way the trainer sees a ``Policy``: ``module`` (what the optimizer trains; DDP may wrap it later),
``logits(module, input_ids, attention_mask)``, ``reference()`` (a context in which ``module`` computes the
reference, or None when a frozen copy does), and ``save_final(folder)``.
"""

import contextlib
import copy
import os

import torch

from . import lora as tiny_lora
from . import tiny


class MissingDependency(RuntimeError):
    pass


def _precision_dtype(precision):
    return {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[precision]


def _disable_dropout(model):
    # as TRL does by default: dropout makes the policy and reference disagree on identical weights
    for m in model.modules():
        if isinstance(m, torch.nn.Dropout):
            m.p = 0.0


class Policy:
    def __init__(self, module, tokenizer, kind, reference_module=None, reference_context=None, describe=""):
        self.module = module
        self.tokenizer = tokenizer
        self.kind = kind
        self.reference_module = reference_module
        self._reference_context = reference_context
        self.describe = describe
        self.save_final = None  # set by the loader: folder -> list of artifact paths

    @staticmethod
    def unwrap(module):
        return module.module if hasattr(module, "module") and isinstance(module, torch.nn.parallel.DistributedDataParallel) else module

    def logits(self, module, input_ids, attention_mask):
        if self.kind == "tiny":
            return module(input_ids, attention_mask)
        return module(input_ids=input_ids, attention_mask=attention_mask, use_cache=False).logits

    @contextlib.contextmanager
    def reference(self, module):
        """Within this context, ``reference_forward`` computes the reference model's logits."""
        if self._reference_context is None:
            yield
        else:
            with self._reference_context(self.unwrap(module)):
                yield

    def reference_logits(self, module, input_ids, attention_mask):
        if self.reference_module is not None:
            return self.logits(self.reference_module, input_ids, attention_mask)
        with self.reference(module):
            return self.logits(self.unwrap(module), input_ids, attention_mask)

    def trainable_state(self):
        m = self.unwrap(self.module)
        names = {n for n, p in m.named_parameters() if p.requires_grad}
        return {k: v.detach().cpu() for k, v in m.state_dict().items() if k in names}

    def load_trainable_state(self, state):
        missing = self.unwrap(self.module).load_state_dict(state, strict=False)
        unexpected = list(missing.unexpected_keys)
        if unexpected:
            raise RuntimeError("checkpoint does not match the model: unexpected keys %s" % unexpected[:3])

    def trainable_parameters(self):
        return [p for p in self.module.parameters() if p.requires_grad]


def load(config, device, need_reference_model):
    """The policy for ``config`` on ``device``. ``need_reference_model``: full fine-tuning that computes the
    reference during training (not precomputed) needs a frozen copy."""
    path = config["model"]
    if os.path.isdir(path) and tiny.is_tiny(path):
        return _load_tiny(config, device, need_reference_model)
    return _load_transformers(config, device, need_reference_model)


def _load_tiny(config, device, need_reference_model):
    folder = config["model"]
    model = tiny.load(folder, "cpu")
    model.gradient_checkpointing = config["gradient_checkpointing"]
    tok = tiny.ByteTokenizer()
    reference_module = None
    reference_context = None
    adapters = None
    if config["method"] == "lora":
        adapters = tiny_lora.LoRA(model, config["lora_r"], config["lora_alpha"], config["lora_dropout"],
                                  config["lora_target_modules"])

        def reference_context(_module):
            return adapters.disabled()
    elif need_reference_model:
        reference_module = copy.deepcopy(model).eval()
        for p in reference_module.parameters():
            p.requires_grad_(False)
        reference_module.to(device)
    model.to(device)
    n = sum(p.numel() for p in model.parameters())
    policy = Policy(model, tok, "tiny", reference_module, reference_context,
                    describe="prefwork-tiny (%d parameters)" % n)

    def save_final(out_dir):
        os.makedirs(out_dir, exist_ok=True)
        artifacts = []
        m = copy.deepcopy(Policy.unwrap(policy.module)).cpu()
        if adapters is not None:
            torch.save(adapters.adapter_state_dict(), os.path.join(out_dir, "adapter.pt.tmp"))
            os.replace(os.path.join(out_dir, "adapter.pt.tmp"), os.path.join(out_dir, "adapter.pt"))
            artifacts.append(os.path.join(out_dir, "adapter.pt"))
            _merge_copy(m)
        # the merged (or fully trained) weights load as a tiny model again
        tiny.save(m, out_dir)
        artifacts.append(os.path.join(out_dir, tiny.WEIGHTS_FILE))
        return artifacts

    policy.save_final = save_final
    return policy


def _merge_copy(model):
    for name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, tiny_lora.LoRALinear):
                setattr(module, child_name, child.merged())


def _load_transformers(config, device, need_reference_model):
    try:
        import transformers
    except ImportError:
        raise MissingDependency("%s is not a prefwork tiny model, so it needs transformers: install it with "
                                "`pip install transformers` (and `pip install peft` for LoRA)" % config["model"])
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = config["model"]
    precision = config["precision"]
    local_only = {"local_files_only": True}
    tokenizer = AutoTokenizer.from_pretrained(path, **local_only)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    lora = config["method"] == "lora"
    on_gpu = device.type == "cuda"
    # LoRA: the frozen base in 16-bit saves half the memory; full fine-tuning keeps fp32 master weights and
    # runs the forward pass under autocast (as the HF Trainer does with bf16=True)
    dtype = _precision_dtype(precision) if (lora and on_gpu) else torch.float32
    model = AutoModelForCausalLM.from_pretrained(path, torch_dtype=dtype, **local_only)
    _disable_dropout(model)
    if config["gradient_checkpointing"]:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.config.use_cache = False
    reference_module = None
    reference_context = None
    if lora:
        try:
            import peft
        except ImportError:
            raise MissingDependency("LoRA on a transformers model needs peft: install it with `pip install peft`, "
                                    "or choose full fine-tuning")
        lora_config = peft.LoraConfig(r=config["lora_r"], lora_alpha=config["lora_alpha"],
                                      lora_dropout=config["lora_dropout"],
                                      target_modules=config["lora_target_modules"], task_type="CAUSAL_LM")
        if config["gradient_checkpointing"]:
            model.enable_input_require_grads()
        model = peft.get_peft_model(model, lora_config)

        def reference_context(module):
            return module.disable_adapter()
    elif need_reference_model:
        reference_module = AutoModelForCausalLM.from_pretrained(path, torch_dtype=_precision_dtype(precision) if on_gpu else torch.float32,
                                                                **local_only).eval()
        _disable_dropout(reference_module)
        for p in reference_module.parameters():
            p.requires_grad_(False)
        reference_module.to(device)
    model.to(device)
    n = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    policy = Policy(model, _HfTokenizer(tokenizer), "transformers", reference_module, reference_context,
                    describe="%s (%s, %.2fB parameters, %.1fM trainable; transformers %s)" % (
                        os.path.basename(os.path.normpath(path)), type(Policy.unwrap(model)).__name__, n / 1e9,
                        trainable / 1e6, transformers.__version__))

    def save_final(out_dir):
        os.makedirs(out_dir, exist_ok=True)
        m = Policy.unwrap(policy.module)
        artifacts = []
        if lora:
            adapter_dir = os.path.join(out_dir, "adapter")
            m.save_pretrained(adapter_dir)
            tokenizer.save_pretrained(adapter_dir)
            artifacts.append(adapter_dir)
            if config["merge_adapter"]:
                merged_dir = os.path.join(out_dir, "merged")
                merged = m.merge_and_unload()
                merged.save_pretrained(merged_dir, safe_serialization=True)
                tokenizer.save_pretrained(merged_dir)
                artifacts.append(merged_dir)
        else:
            model_dir = os.path.join(out_dir, "model")
            m.save_pretrained(model_dir, safe_serialization=True)
            tokenizer.save_pretrained(model_dir)
            artifacts.append(model_dir)
        return artifacts

    policy.save_final = save_final
    return policy


class _HfTokenizer:
    """The few things the encoder asks of a tokenizer, over a transformers tokenizer."""

    def __init__(self, tok):
        self.tok = tok
        self.bos_token_id = tok.bos_token_id
        self.eos_token_id = tok.eos_token_id
        self.pad_token_id = tok.pad_token_id
        self.chat_template = getattr(tok, "chat_template", None)

    def encode(self, text):
        return self.tok(text, add_special_tokens=False)["input_ids"]

    def apply_chat_template(self, messages, tokenize=False, add_generation_prompt=False):
        return self.tok.apply_chat_template(messages, tokenize=tokenize, add_generation_prompt=add_generation_prompt)

    def describe(self):
        return type(self.tok).__name__
