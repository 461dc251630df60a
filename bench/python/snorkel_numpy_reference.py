"""Baseline for LabelModelBenchmark: Snorkel's LabelModel algorithm (snorkel 0.9.x, binary, no dependencies)
ported to numpy, timed on a synthetic 1M x 20 vote matrix on the same machine.

It follows Snorkel's code step by step: the one-hot label matrix as float64 (_create_L_ind), O = L_indᵀ L_ind / n
(_generate_O), mu_init from prec_init (_init_params, without the random scale), 100 epochs of SGD with momentum
on the masked loss (the gradient written out, as torch's autograd would compute it), the clamp, and
predict_proba = exp(L_ind log(mu) + log(p)) normalised. Run: python3 snorkel_numpy_reference.py [rows] [repeats]
"""
import sys
import time

import numpy as np


def synthetic(n, m, p_good, rng):
    acc = 0.6 + 0.3 * rng.random(m)
    prop = 0.1 + 0.8 * rng.random(m)
    y = np.where(rng.random(n) < p_good, 1, 0)  # Snorkel's labels: 1 = GOOD, 0 = BAD, -1 = abstain
    votes = rng.random((n, m)) < prop
    right = rng.random((n, m)) < acc
    L = np.where(votes, np.where(right, y[:, None], 1 - y[:, None]), -1).astype(np.int8)
    return L, y, acc


def create_l_ind(L, k=2):
    L_shift = L + 1
    n, m = L.shape
    L_ind = np.zeros((n, m * k))
    for y in range(1, k + 1):
        L_ind[:, (y - 1)::k] = np.where(L_shift == y, 1, 0)
    return L_ind


def fit(L, class_balance, n_epochs=100, lr=0.01, momentum=0.9, prec_init=0.7, k=2):
    n, m = L.shape
    d = m * k
    L_ind = create_l_ind(L, k)
    O = L_ind.T @ L_ind / n
    p = np.asarray(class_balance, dtype=float)
    P = np.diag(p)
    mask = np.ones((d, d), dtype=bool)
    for i in range(m):
        mask[i * k:(i + 1) * k, i * k:(i + 1) * k] = False
    lps = np.diag(O)
    mu_init = np.zeros((d, k))
    for i in range(m):
        for y in range(k):
            idx = i * k + y
            mu_init[idx, y] += np.clip(lps[idx] * prec_init / p[y], 0, 1)
    mu = mu_init.copy()
    velocity = np.zeros_like(mu)
    for _ in range(n_epochs):
        R = np.where(mask, O - mu @ P @ mu.T, 0.0)
        r = (mu @ P).sum(axis=1) - np.diag(O)
        grad = -4 * R @ mu @ P + 2 * np.outer(r, p)
        velocity = momentum * velocity + grad
        mu = mu - lr * velocity
    mu_eps = min(0.01, 1 / 10 ** np.ceil(np.log10(n)))
    return np.clip(mu, mu_eps, 1 - mu_eps), p


def predict_proba(L, mu, p, k=2):
    L_ind = create_l_ind(L, k)
    X = np.exp(L_ind @ np.log(mu) + np.log(p))
    return X / X.sum(axis=1, keepdims=True)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    L, y, acc = synthetic(n, 20, 0.3, np.random.default_rng(7))
    fits, predicts = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        mu, p = fit(L, [0.7, 0.3])  # [P(class 0 = BAD), P(class 1 = GOOD)]
        t1 = time.perf_counter()
        proba = predict_proba(L, mu, p)
        t2 = time.perf_counter()
        fits.append(t1 - t0)
        predicts.append(t2 - t1)
    label_accuracy = float(((proba[:, 1] >= 0.5) == (y == 1)).mean())
    print(f"numpy {np.__version__}, rows {n:,}, 20 LFs: fit median {1000 * np.median(fits):.0f} ms, "
          f"predict median {1000 * np.median(predicts):.0f} ms, label accuracy {label_accuracy:.4f}")


if __name__ == "__main__":
    main()
