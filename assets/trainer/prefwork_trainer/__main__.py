"""``python -m prefwork_trainer``: train a run folder, sample from its models, make the tiny test model, or check the environment."""

import argparse
import json
import sys

from . import EXIT_BAD_INPUT, EXIT_FINISHED


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m prefwork_trainer",
                                description="Prefwork's DPO trainer. Metrics go to stdout as JSON lines.")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--run", metavar="FOLDER", help="train the run folder (config.json, data/*.jsonl)")
    what.add_argument("--make-tiny-model", metavar="FOLDER", help="write the tiny test model (random weights) into FOLDER")
    what.add_argument("--generate", metavar="FOLDER", help="sample responses from a finished run's base or tuned model")
    what.add_argument("--env-check", action="store_true", help="print what this interpreter can train with, as JSON")
    p.add_argument("--resume", action="store_true", help="continue from the run's last checkpoint")
    p.add_argument("--model", metavar="PATH", help="use this model folder instead of config.json's (a moved run)")
    p.add_argument("--seed", type=int, default=0, help="seed of the tiny model's random weights; of sampling with --generate")
    g = p.add_argument_group("--generate")
    g.add_argument("--prompts", metavar="FILE", help="JSONL, one {\"id\", \"prompt\"} per line")
    g.add_argument("--which", choices=("base", "tuned"), default="tuned", help="the run's base model or its final/ model")
    g.add_argument("--n", type=int, default=1, help="responses per prompt")
    g.add_argument("--max-new-tokens", type=int, default=128)
    g.add_argument("--temperature", type=float, default=0.7, help="0: greedy")
    g.add_argument("--top-p", type=float, default=0.95)
    args = p.parse_args(argv)

    if args.env_check:
        from .envcheck import probe
        sys.stdout.write(json.dumps(probe()) + "\n")
        return EXIT_FINISHED
    if args.make_tiny_model:
        from . import tiny
        try:
            folder = tiny.create(args.make_tiny_model, seed=args.seed)
        except OSError as e:
            sys.stderr.write("prefwork_trainer: cannot write the tiny model to %s: %s\n" % (args.make_tiny_model, e))
            return EXIT_BAD_INPUT
        sys.stdout.write(json.dumps({"event": "tiny_model", "path": folder,
                                     "parameters": tiny.parameter_count(folder)}) + "\n")
        return EXIT_FINISHED
    if args.generate:
        if not args.prompts:
            p.error("--generate needs --prompts FILE")
        from . import generate
        return generate.run(args.generate, args.prompts, args.which, n=args.n, seed=args.seed,
                            max_new_tokens=args.max_new_tokens, temperature=args.temperature, top_p=args.top_p,
                            model_override=args.model)
    from . import train
    return train.run(args.run, resume=args.resume, model_override=args.model)


if __name__ == "__main__":
    sys.exit(main())
