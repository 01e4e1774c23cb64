"""Train an Adapter Lab experiment with Hugging Face `transformers` + AdapterHub `adapters`.

Written by `adapter-lab export <config|run> --to python` beside experiment.json (the experiment, resolved: base,
tasks and labels, each adapter's AdapterHub config, compositions, merges, AdapterDrop, hyper-parameters, seed) and
data/{train,validation,test}.jsonl (the split Adapter Lab trains on). Every run writes outputs/<run>/ in AdapterHub's
layout with results.json; `adapter-lab import outputs/<run>` brings it back to compare with the runs trained there.

    pip install torch transformers adapters accelerate
    python train.py                                    # every run, in order
    python train.py --only adapter:sentiment           # some runs
    accelerate launch train.py                         # several GPUs or machines (accelerate config first)
    torchrun --nproc_per_node 4 train.py               # the same with torchrun
"""
import argparse
import json
import math
import os
import random
import time

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import AutoConfig, AutoTokenizer, PreTrainedTokenizerFast, get_linear_schedule_with_warmup, set_seed

import adapters.composition as ac
from adapters import AdapterConfig, AdapterFusionConfig, AutoAdapterModel

HERE = os.path.dirname(os.path.abspath(__file__))
BLOCKS = {"Stack": ac.Stack, "Fuse": ac.Fuse, "Split": ac.Split, "BatchSplit": ac.BatchSplit, "Parallel": ac.Parallel, "Average": ac.Average}


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def setup_block(setup):
    """The setup string in AdapterHub's notation ("Fuse(a, b)") as an adapters.composition block."""
    return eval(setup, {"__builtins__": {}}, BLOCKS)  # names come quoted from the export: only blocks are callable


def load_tokenizer(base):
    folder = os.path.join(HERE, base["path"]) if os.path.isdir(os.path.join(HERE, base["path"])) else base["path"]
    if os.path.exists(os.path.join(folder, "tokenizer_config.json")) or not os.path.isdir(folder):
        return AutoTokenizer.from_pretrained(folder)
    specials = dict(unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")
    return PreTrainedTokenizerFast(tokenizer_file=os.path.join(folder, "tokenizer.json"), **specials)


def new_model(exp):
    base = exp["base"]
    folder = os.path.join(HERE, base["path"]) if os.path.isdir(os.path.join(HERE, base["path"])) else base["path"]
    if base.get("random_init"):
        return AutoAdapterModel.from_config(AutoConfig.from_pretrained(folder))
    return AutoAdapterModel.from_pretrained(folder)


def add_head(model, task):
    labels = task["labels"]
    model.add_classification_head(
        task["name"], num_labels=len(labels), layers=2, activation_function="tanh", id2label=dict(enumerate(labels))
    )


def batches(rows, tasks, tokenizer, max_length, batch_size, shuffle, seed):
    def collate(chunk):
        enc = tokenizer([r["text"] for r in chunk], truncation=True, max_length=max_length, padding=True, return_tensors="pt")
        for t in tasks:
            enc["label:" + t["name"]] = torch.tensor([t["labels"].index(str(r[t["field"]])) for r in chunk])
        return enc

    generator = torch.Generator().manual_seed(seed)
    return DataLoader(rows, batch_size=batch_size, shuffle=shuffle, collate_fn=collate, generator=generator)


def task_logits(model, batch, task_names):
    inputs = {k: v for k, v in batch.items() if not k.startswith("label:")}
    out = model(**inputs)
    outputs = out if isinstance(out, (list, tuple)) else [out]  # Parallel: one output per head
    return {name: o.logits for name, o in zip(task_names, outputs)}


def evaluate(accelerator, model, loader, task_names):
    model.eval()
    found = {t: {"correct": 0, "count": 0, "loss": 0.0, "pred": [], "gold": []} for t in task_names}
    start = time.time()
    with torch.no_grad():
        for batch in loader:
            for t, logits in task_logits(model, batch, task_names).items():
                logits, gold = accelerator.gather_for_metrics((logits, batch["label:" + t]))
                pred = logits.argmax(-1)
                f = found[t]
                f["loss"] += F.cross_entropy(logits, gold, reduction="sum").item()
                f["correct"] += (pred == gold).sum().item()
                f["count"] += gold.numel()
                f["pred"] += pred.tolist()
                f["gold"] += gold.tolist()
    seconds = time.time() - start
    metrics = {t: {"accuracy": f["correct"] / max(1, f["count"]), "macroF1": macro_f1(f["pred"], f["gold"]), "loss": f["loss"] / max(1, f["count"]), "count": f["count"]} for t, f in found.items()}
    return metrics, seconds


def macro_f1(pred, gold):
    scores = []
    for label in set(gold) | set(pred):
        tp = sum(p == label and g == label for p, g in zip(pred, gold))
        fp = sum(p == label and g != label for p, g in zip(pred, gold))
        fn = sum(p != label and g == label for p, g in zip(pred, gold))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(scores) / max(1, len(scores))


def skip_layers_for(drop, layers, training):
    """AdapterDrop: specialised drops the first n layers always; robust draws n in 0…L−1 per training batch."""
    if not drop:
        return None
    if drop["mode"] == "specialised":
        return list(range(drop["layers"]))
    return list(range(random.randint(0, layers - 1))) if training else None


def fit(exp, run, model, tokenizer, task_specs, activate, data, out_dir):
    """Trains what is trainable in `model` on the run's tasks, keeps the best epoch on validation, tests it."""
    opts = run["train"]
    accelerator = Accelerator()
    task_names = [t["name"] for t in task_specs]
    train = batches(data["train"], task_specs, tokenizer, opts["maxLength"], opts["batchSize"], True, exp["seed"])
    val = batches(data["validation"], task_specs, tokenizer, opts["maxLength"], opts["batchSize"], False, exp["seed"])
    test = batches(data["test"], task_specs, tokenizer, opts["maxLength"], opts["batchSize"], False, exp["seed"])
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=opts["learningRate"], weight_decay=opts["weightDecay"]) if params else None
    steps = opts["epochs"] * math.ceil(len(data["train"]) / opts["batchSize"]) if params else 0
    model, train, val, test = accelerator.prepare(model, train, val, test)
    if optimizer:
        scheduler = get_linear_schedule_with_warmup(optimizer, int(opts["warmupRatio"] * steps), steps)
        optimizer, scheduler = accelerator.prepare(optimizer, scheduler)
    best, best_epoch, best_state, patience, done, start = -1.0, 0, None, 0, 0, time.time()
    for epoch in range(opts["epochs"] if params else 0):
        model.train()
        for batch in train:
            activate(accelerator.unwrap_model(model), True)
            logits = task_logits(model, batch, task_names)
            loss = sum(F.cross_entropy(logits[t], batch["label:" + t]) for t in task_names) / len(task_names)
            accelerator.backward(loss)
            accelerator.clip_grad_norm_(params, opts["maxGradNorm"])
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            done += 1
        activate(accelerator.unwrap_model(model), False)
        metrics, _ = evaluate(accelerator, model, val, task_names)
        score = sum(m["accuracy"] for m in metrics.values()) / len(metrics)
        accelerator.print(f"{run['name']} epoch {epoch + 1}: validation {score:.4f}")
        if score > best:
            best, best_epoch, patience = score, epoch + 1, 0
            best_state = {k: v.detach().clone() for k, v in accelerator.unwrap_model(model).state_dict().items() if k in trainable_names(model, accelerator)}
        else:
            patience += 1
            if opts["earlyStoppingPatience"] and patience >= opts["earlyStoppingPatience"]:
                break
    train_seconds = time.time() - start
    inner = accelerator.unwrap_model(model)
    if best_state:
        inner.load_state_dict(best_state, strict=False)
    activate(inner, False)
    validation, _ = evaluate(accelerator, model, val, task_names)
    test_metrics, seconds = evaluate(accelerator, model, test, task_names)
    results = {
        "experiment": exp["name"],
        "run": run["name"],
        "seed": exp["seed"],
        "test": test_metrics,
        "validation": validation,
        "trainableParams": sum(p.numel() for p in params),
        "totalParams": sum(p.numel() for p in inner.parameters()),
        "steps": done,
        "bestEpoch": best_epoch,
        "trainSeconds": train_seconds,
        "evalSecondsPerExample": seconds / max(1, len(data["test"])),
    }
    if accelerator.is_main_process:
        os.makedirs(out_dir, exist_ok=True)
        with open(os.path.join(out_dir, "results.json"), "w") as f:
            json.dump(results, f, indent=2)
    return inner, accelerator.is_main_process


def trainable_names(model, accelerator):
    return {n for n, p in accelerator.unwrap_model(model).named_parameters() if p.requires_grad}


def run_adapter(exp, run, tokenizer, data, out):
    spec = run["adapter"]
    task = next(t for t in exp["tasks"] if t["name"] == spec["task"])
    set_seed(exp["seed"])
    model = new_model(exp)
    model.add_adapter(spec["name"], config=AdapterConfig.load(spec["hub_config"]))
    add_head(model, task)
    model.train_adapter(spec["name"])
    layers = model.config.num_hidden_layers

    def activate(m, training):
        m.set_active_adapters(spec["name"], skip_layers=skip_layers_for(spec.get("adapterDrop"), layers, training))
        m.active_head = task["name"]

    model, main = fit(exp, run, model, tokenizer, [task], activate, data, out)
    if main:
        folder = os.path.join(out, "adapters", spec["name"])
        model.save_adapter(folder, spec["name"], with_head=False, use_safetensors=True)
        model.save_head(folder, task["name"], use_safetensors=True)
        save_setup(out, spec["name"], task["name"])


def load_trained(model, exp, names, outputs):
    for name in names:
        folder = os.path.join(outputs, run_folder("adapter:" + name), "adapters", name)
        model.load_adapter(folder, load_as=name, with_head=False, use_safetensors=True)
        model.load_head(folder, use_safetensors=True)


def run_composition(exp, run, tokenizer, data, out, outputs):
    comp = run["composition"]
    tasks = [next(t for t in exp["tasks"] if t["name"] == n) for n in comp["tasks"]]
    set_seed(exp["seed"])
    model = new_model(exp)
    load_trained(model, exp, comp["adapters"], outputs)
    block = setup_block(comp["setup"])
    fusions = [b for b in walk(block) if isinstance(b, ac.Fuse)]
    model.freeze_model(True)
    for head in model.heads.values():
        head.requires_grad_(comp["trainHeads"])
    for fuse in fusions:
        model.add_adapter_fusion(fuse, config=AdapterFusionConfig.load(comp["fusion"]))
        model.train_adapter_fusion(fuse)  # the fusion layer trains, the adapters stay frozen
    layers = model.config.num_hidden_layers

    def activate(m, training):
        m.set_active_adapters(block, skip_layers=skip_layers_for(comp.get("adapterDrop"), layers, training))
        m.active_head = comp["tasks"] if len(comp["tasks"]) > 1 else comp["tasks"][0]

    model, main = fit(exp, run, model, tokenizer, tasks, activate, data, out)
    if main:
        for name in comp["adapters"]:
            model.save_adapter(os.path.join(out, "adapters", name), name, with_head=False, use_safetensors=True)
        for fuse in fusions:
            model.save_adapter_fusion(os.path.join(out, "fusion", ",".join(fuse.children)), fuse.children, use_safetensors=True)
        for t in comp["tasks"]:
            model.save_head(os.path.join(out, "heads", t), t, use_safetensors=True)
        save_setup(out, comp["setupText"], comp["tasks"][0] if len(comp["tasks"]) == 1 else comp["tasks"])


def run_merge(exp, run, tokenizer, data, out, outputs):
    merge = run["merge"]
    task = next(t for t in exp["tasks"] if t["name"] == merge["task"])
    set_seed(exp["seed"])
    model = new_model(exp)
    load_trained(model, exp, merge["adapters"], outputs)
    model.average_adapter(merge["name"], merge["adapters"], weights=merge["weights"], normalize_weights=False)

    def activate(m, training):
        m.set_active_adapters(merge["name"])
        m.active_head = task["name"]

    model.freeze_model(True)
    for head in model.heads.values():
        head.requires_grad_(False)
    model, main = fit(exp, run, model, tokenizer, [task], activate, data, out)
    if main:
        folder = os.path.join(out, "adapters", merge["name"])
        model.save_adapter(folder, merge["name"], with_head=False, use_safetensors=True)
        model.save_head(folder, task["name"], use_safetensors=True)
        save_setup(out, merge["name"], task["name"])


def run_baseline(exp, run, tokenizer, data, out):
    set_seed(exp["seed"])
    model = new_model(exp)
    for task in exp["tasks"]:
        add_head(model, task)
    model.freeze_model(run["type"] == "head-only")
    for head in model.heads.values():
        head.requires_grad_(True)
    names = [t["name"] for t in exp["tasks"]]

    def activate(m, training):
        m.active_head = names if len(names) > 1 else names[0]

    fit(exp, run, model, tokenizer, exp["tasks"], activate, data, out)


def walk(block):
    yield block
    for child in getattr(block, "children", []):
        if isinstance(child, ac.AdapterCompositionBlock):
            yield from walk(child)


def save_setup(out, adapter_setup, head_setup):
    with open(os.path.join(out, "adapter_setup.json"), "w") as f:
        json.dump({"adapter_setup": adapter_setup, "head_setup": head_setup}, f, indent=2)


def run_folder(name):
    return name.replace(":", "-")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiment", default=os.path.join(HERE, "experiment.json"))
    parser.add_argument("--out", default=os.path.join(HERE, "outputs"))
    parser.add_argument("--only", nargs="*", help="run names, e.g. adapter:sentiment composition:fuse")
    args = parser.parse_args(argv)
    return run_experiment(args.experiment, args.out, args.only)


def run_experiment(experiment, outputs, only=None):
    """Trains the experiment's runs in order (adapters first; compositions and merges load them) into `outputs`."""
    with open(experiment, encoding="utf-8") as f:
        exp = json.load(f)
    tokenizer = load_tokenizer(exp["base"])
    data = {part: read_jsonl(os.path.join(HERE, path)) for part, path in exp["data"].items()}
    for run in exp["runs"]:
        if only and run["name"] not in only:
            continue
        out = os.path.join(outputs, run_folder(run["name"]))
        if run["type"] == "adapter":
            run_adapter(exp, run, tokenizer, data, out)
        elif "composition" in run:
            run_composition(exp, run, tokenizer, data, out, outputs)
        elif "merge" in run:
            run_merge(exp, run, tokenizer, data, out, outputs)
        else:
            run_baseline(exp, run, tokenizer, data, out)
    return outputs


if __name__ == "__main__":
    main()
