"""Ray Tune over an Adapter Lab sweep: the same points `adapter-lab train` trains for the config's `sweep`.

Written by `adapter-lab export <config> --to python` beside train.py, with points/<point>.json: the experiment of each
point (the config with the point's values and seed set, resolved as Adapter Lab resolves it). Each trial trains one
point with train.py and reports its runs' mean validation accuracy; every run's outputs/ folder can be brought back
with `adapter-lab import`.

    pip install "ray[tune]" torch transformers adapters accelerate
    python tune.py                          # all points, as many at a time as Ray has resources
    python tune.py --gpus-per-trial 1       # on a GPU machine or a Ray cluster (ray start / RAY_ADDRESS)
"""
import argparse
import glob
import json
import os

from ray import tune

import train

HERE = os.path.dirname(os.path.abspath(__file__))


def trial(config):
    outputs = os.path.join(config["results"], os.path.splitext(os.path.basename(config["point"]))[0])
    train.run_experiment(config["point"], outputs)
    scores = []
    for results in glob.glob(os.path.join(outputs, "*", "results.json")):
        with open(results) as f:
            scores += [m["accuracy"] for m in json.load(f)["validation"].values()]
    metrics = {"validation_accuracy": sum(scores) / max(1, len(scores))}
    try:
        from ray.train import report  # Ray 2
    except ImportError:
        tune.report(**metrics)  # Ray 1
    else:
        report(metrics)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpus-per-trial", type=float, default=1)
    parser.add_argument("--gpus-per-trial", type=float, default=0)
    parser.add_argument("--results", default=os.path.join(HERE, "outputs", "sweep"))
    args = parser.parse_args()
    points = sorted(glob.glob(os.path.join(HERE, "points", "*.json")))
    space = {"point": tune.grid_search(points), "results": args.results}
    trainable = tune.with_resources(trial, {"cpu": args.cpus_per_trial, "gpu": args.gpus_per_trial})
    tuner = tune.Tuner(trainable, param_space=space, tune_config=tune.TuneConfig(metric="validation_accuracy", mode="max"))
    best = tuner.fit().get_best_result()
    print(f"best point: {os.path.basename(best.config['point'])}, validation accuracy {best.metrics['validation_accuracy']:.4f}")


if __name__ == "__main__":
    main()
