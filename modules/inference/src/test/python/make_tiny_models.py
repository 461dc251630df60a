#!/usr/bin/env python3
"""Builds the tiny ONNX fixtures the inference tests use, with hand-set weights so their outputs can be
reasoned about, and a hand-written WordLevel tokenizer.json. Writes, under
modules/inference/src/test/resources/tiny-models/:

  scorer-two-class/   sequence classifier (prompt, response) -> logits [batch, 2]: index 1 = GOOD
  scorer-one-logit/   the same with one output logit [batch, 1]
  embedder/           sentence embedder without token_type_ids -> last_hidden_state [batch, tokens, 5]
  expected.json       reference outputs computed here with numpy, independently of ONNX Runtime

Regenerate (Debian: apt-get install python3-onnx; no torch needed):
  /usr/bin/python3 modules/inference/src/test/python/make_tiny_models.py
"""
import json
import os
import re

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "tiny-models")

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
WORDS = ["good", "great", "helpful", "bad", "awful", "wrong", "the", "answer", "is", "question",
         "what", "how", "do", "i", "it", "?", ".", "!", ","]
VOCAB = {tok: i for i, tok in enumerate(SPECIAL + WORDS)}
CLS, SEP, UNK = VOCAB["[CLS]"], VOCAB["[SEP]"], VOCAB["[UNK]"]
POSITIVE = {"good", "great", "helpful"}
NEGATIVE = {"bad", "awful", "wrong"}


def tokenizer_json():
    special = {t: {"id": t, "ids": [VOCAB[t]], "tokens": [t]} for t in ("[CLS]", "[SEP]")}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": VOCAB[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for t in SPECIAL],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": special,
        },
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": VOCAB, "unk_token": "[UNK]"},
    }


def tokenize(text):
    """What the tokenizer.json above does: lowercase, split on \\w+|[^\\w\\s]+, look up, [UNK] otherwise."""
    return [VOCAB.get(w, UNK) for w in re.findall(r"\w+|[^\w\s]+", text.lower())]


def encode_pair(a, b):
    ta, tb = tokenize(a), tokenize(b)
    ids = [CLS] + ta + [SEP] + tb + [SEP]
    types = [0] * (len(ta) + 2) + [1] * (len(tb) + 1)
    return np.array(ids), np.array(types)


def encode_single(a):
    return np.array([CLS] + tokenize(a) + [SEP])


# Scorer weights: embedding dims are (positive, negative, neutral); response tokens (type 1) get a small
# positive nudge so a model fed wrong type ids gives a different answer.
E = np.zeros((len(VOCAB), 3), dtype=np.float32)
for tok, i in VOCAB.items():
    E[i] = [1, 0, 0] if tok in POSITIVE else [0, 1, 0] if tok in NEGATIVE else [0, 0, 1]
TYPE = np.array([[0, 0, 0], [0.25, 0, 0]], dtype=np.float32)
W2 = np.array([[-2, 2], [2, -2], [0, 0]], dtype=np.float32)
B2 = np.array([0.1, -0.1], dtype=np.float32)
W1 = np.array([[2], [-2], [0]], dtype=np.float32)
B1 = np.array([0.05], dtype=np.float32)
# Embedder: 5 dims, a different pattern per word so mean pooling is visible.
EMB = np.array([[np.sin(i * 0.7 + d) for d in range(5)] for i in range(len(VOCAB))], dtype=np.float32)


def scorer_graph(w, b, name):
    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"])
    mask = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])
    types = helper.make_tensor_value_info("token_type_ids", TensorProto.INT64, ["batch", "tokens"])
    logits = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", w.shape[1]])
    inits = [numpy_helper.from_array(E, "E"), numpy_helper.from_array(TYPE, "T"), numpy_helper.from_array(w, "W"),
             numpy_helper.from_array(b, "B"), numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
             numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2")]
    nodes = [
        helper.make_node("Gather", ["E", "input_ids"], ["e"]),
        helper.make_node("Gather", ["T", "token_type_ids"], ["t"]),
        helper.make_node("Add", ["e", "t"], ["h"]),
        helper.make_node("Cast", ["attention_mask"], ["m"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["m", "axis2"], ["m3"]),
        helper.make_node("Mul", ["h", "m3"], ["hm"]),
        helper.make_node("ReduceSum", ["hm", "axis1"], ["s"], keepdims=0),
        helper.make_node("ReduceSum", ["m", "axis1"], ["c"], keepdims=1),
        helper.make_node("Div", ["s", "c"], ["pooled"]),
        helper.make_node("MatMul", ["pooled", "W"], ["z"]),
        helper.make_node("Add", ["z", "B"], ["logits"]),
    ]
    graph = helper.make_graph(nodes, name, [ids, mask, types], [logits], inits)
    return finish(graph)


def embedder_graph():
    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"])
    mask = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])
    out = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "tokens", 5])
    inits = [numpy_helper.from_array(EMB, "EMB")]
    # attention_mask is declared (as real exports do) but this toy ignores it: pooling masks padding anyway.
    nodes = [helper.make_node("Gather", ["EMB", "input_ids"], ["last_hidden_state"])]
    graph = helper.make_graph(nodes, "tiny_embedder", [ids, mask], [out], inits)
    return finish(graph)


def finish(graph):
    model = helper.make_model(graph, producer_name="prefwork-tests", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def write(folder, model):
    path = os.path.join(OUT, folder)
    os.makedirs(path, exist_ok=True)
    onnx.save(model, os.path.join(path, "model.onnx"))
    with open(os.path.join(path, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(), f, indent=1)


def scorer_reference(w, b, prompt, response):
    ids, types = encode_pair(prompt, response)
    pooled = (E[ids] + TYPE[types]).mean(axis=0)
    return (pooled @ w + b).tolist()


def main():
    write("scorer-two-class", scorer_graph(W2, B2, "tiny_scorer_two_class"))
    write("scorer-one-logit", scorer_graph(W1, B1, "tiny_scorer_one_logit"))
    write("embedder", embedder_graph())
    pairs = [["What is the answer?", "The answer is good, great and helpful!"],
             ["How do I do it?", "Bad, awful, wrong."],
             ["Is it good?", "It is."],
             ["good good good", "bad"]]
    texts = ["the answer is good", "awful question", "what ? !", "helpful"]
    expected = {
        "pairs": [{"prompt": p, "response": r,
                   "two_class_logits": scorer_reference(W2, B2, p, r),
                   "one_logit": scorer_reference(W1, B1, p, r)[0]} for p, r in pairs],
        "embedder": [{"text": t, "vector": (lambda v: (v / np.linalg.norm(v)).tolist())(EMB[encode_single(t)].mean(axis=0))}
                     for t in texts],
    }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main()
