/**
 * The fixed part of the PyTorch training script (`netwright export --format pytorch-train`): ports
 * of Netwright's seeded generator and shuffle (src-engine/tensor/rng.ts), its CSV cell rules
 * (src-engine/data/cells.ts, csv-sniff.ts), the fitted preprocessing (src-engine/data/preprocess.ts),
 * the validation split and batch order of the trainer (src-engine/train/trainer.ts), the learning-rate
 * schedule, dropout masks, gradient clipping, early stopping, DistributedDataParallel and the
 * checkpoint. The generated part (./pytorch-train.ts) defines the model, the loss and the constants
 * this code reads: NAME, GRAPH, CONFIG, PREPROCESSING, DATA, INITIAL_WEIGHTS, DECISION, TASK, MASKS,
 * REGULARIZED, LOSS_IS_SUM, NetwrightModel, netwright_params, load_initial_weights and data_loss.
 */
export const PY_RUNTIME = String.raw`
# ---------------------------------------------------------------------------------------------
# Netwright's seeded generator (xoshiro128** seeded through splitmix32), bit for bit.

M32 = 0xFFFFFFFF


def _rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


class SeededRng:
    def __init__(self, seed):
        x = seed & M32
        s = []
        for _ in range(4):
            x = (x + 0x9E3779B9) & M32
            z = x
            z = ((z ^ (z >> 16)) * 0x85EBCA6B) & M32
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M32
            s.append((z ^ (z >> 16)) & M32)
        if not (s[0] | s[1] | s[2] | s[3]):
            s[0] = 1
        self.s0, self.s1, self.s2, self.s3 = s

    def next_uint32(self):
        s0, s1, s2, s3 = self.s0, self.s1, self.s2, self.s3
        result = (_rotl((s1 * 5) & M32, 7) * 9) & M32
        t = (s1 << 9) & M32
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, 11)
        self.s0, self.s1, self.s2, self.s3 = s0, s1, s2, s3
        return result

    def uniform(self):
        hi = self.next_uint32() >> 5
        lo = self.next_uint32() >> 6
        return (hi * 67108864 + lo) / 9007199254740992

    def int(self, n):
        return math.floor(self.uniform() * n)


def shuffle_in_place(order, rng):
    """Fisher-Yates, as Netwright's shuffleInPlace."""
    for i in range(len(order) - 1, 0, -1):
        j = rng.int(i + 1)
        order[i], order[j] = order[j], order[i]


def js_round(v):
    return math.floor(v + 0.5)


# ---------------------------------------------------------------------------------------------
# Data: a CSV file read with Netwright's cell rules and the fitted preprocessing, or embedded rows.

MISSING_TOKENS = {"NA", "N/A", "n/a", "na", "null", "NULL", "None", "?", "."}
TRUE_WORDS = {"true", "yes", "t", "y"}
FALSE_WORDS = {"false", "no", "f", "n"}


class DataError(Exception):
    pass


def is_missing(cell):
    return cell == "" or cell in MISSING_TOKENS or cell.strip() == ""


def js_number(cell):
    """JavaScript's Number() on a cell: a float, None when missing, or raises ValueError."""
    if is_missing(cell):
        return None
    s = cell.strip()
    if "_" in s or s.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise ValueError(cell)
    if s.lower().startswith(("0x", "0o", "0b")):
        return float(int(s, 0))
    return float(s)


def js_string(v):
    """JavaScript's String() of a number (the category key of a numeric column)."""
    if v == int(v) and abs(v) < 1e21:
        return str(int(v))
    r = repr(v)
    if "e" in r:
        mant, exp = r.split("e")
        r = mant + "e" + ("-" if exp.startswith("-") else "+") + exp.lstrip("+-").lstrip("0")
    return r


def boolean_word(s):
    w = s.strip().lower()
    return 1 if w in TRUE_WORDS else 0 if w in FALSE_WORDS else -1


def sniff_delimiter(lines):
    best, best_score = ",", 0
    for d in [",", ";", "\t"]:
        rows = [r for r in csv.reader(lines[:30], delimiter=d) if not (len(r) == 1 and r[0].strip() == "")]
        if not rows:
            continue
        body = rows[:-1] if len(rows) > 2 else rows
        counts = {}
        for r in body:
            counts[len(r)] = counts.get(len(r), 0) + 1
        mode, mode_count = 1, 0
        for n, c in counts.items():
            if c > mode_count or (c == mode_count and n > mode):
                mode, mode_count = n, c
        if mode < 2:
            continue
        score = mode_count / len(body) * 1000 + mode
        if score > best_score:
            best, best_score = d, score
    return best


def header_names(row):
    seen, names = {}, []
    for j, raw in enumerate(row):
        base = raw.strip() or "column%d" % (j + 1)
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else "%s_%d" % (base, seen[base]))
    return names


def read_csv_columns(path, needed):
    """The named columns of a CSV file as lists of cell strings, and the line number of each row."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        text = f.read()
    lines = text.splitlines(True)
    delimiter = sniff_delimiter(lines)
    rows, line_of = [], []
    for k, r in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
        if len(r) == 1 and r[0].strip() == "" or len(r) == 0:
            continue
        rows.append(r)
        line_of.append(k + 1)
    if not rows:
        raise DataError("%s: the file is empty" % path)
    first = header_names(rows[0])
    if all(n in first for n in needed):
        names, body, lines_of_body = first, rows[1:], line_of[1:]
    else:
        names = ["column%d" % (j + 1) for j in range(len(rows[0]))]
        body, lines_of_body = rows, line_of
        missing = [n for n in needed if n not in names]
        if missing:
            raise DataError("%s has no column %r (the model was trained on it)" % (path, missing[0]))
    decimal_comma = False
    if delimiter == ";":
        commas = sum(1 for r in body[:2000] for c in r if re.match(r"^[+-]?\d*,\d+$", c.strip()))
        dots = sum(1 for r in body[:2000] for c in r if re.match(r"^[+-]?\d*\.\d+$", c.strip()))
        decimal_comma = commas > 0 and dots == 0
    columns = {}
    for n in needed:
        j = names.index(n)
        cells = [r[j] if j < len(r) else "" for r in body]
        if decimal_comma:
            cells = [c.replace(",", ".", 1) for c in cells]
        columns[n] = cells
    return columns, lines_of_body


def numeric_kind(cells):
    """Whether Netwright's CSV reader keeps a column as numbers (decided on the first 2,000 rows)."""
    numbers = texts = 0
    for c in cells[:2000]:
        if is_missing(c):
            continue
        try:
            js_number(c)
            numbers += 1
        except ValueError:
            if c.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
                numbers += 1
            else:
                texts += 1
    return numbers > 0 and (texts == 0 or (numbers >= 2 and texts <= max(1, 0.05 * (numbers + texts))))


def cell_keys(cells):
    """Category keys of a column's cells (None when missing), as Netwright's cellKey makes them."""
    if numeric_kind(cells):
        out = []
        for c in cells:
            try:
                v = js_number(c)
            except ValueError:
                v = None
            out.append(None if v is None else js_string(v))
        return out
    return [None if is_missing(c) else c.strip() for c in cells]


def prepare_csv(path):
    """Rows of a CSV file as Netwright prepares them: kept rows, fitted preprocessing, encoded targets."""
    pre = PREPROCESSING
    target = pre["target"]
    needed = [target["column"]] + [t["column"] for t in pre["inputs"]]
    columns, lines = read_csv_columns(path, list(dict.fromkeys(needed)))
    n = len(lines)

    def numbers(name):
        out = []
        for k, c in enumerate(columns[name]):
            try:
                out.append(js_number(c))
            except ValueError:
                raise DataError("%s, line %d, column %s: %r is not a number" % (path, lines[k], name, c))
        return out

    if target["task"] == "regression":
        tvals = numbers(target["column"])
    else:
        tvals = cell_keys(columns[target["column"]])
    drop = [v is None for v in tvals]
    feats = []
    for t in pre["inputs"]:
        col = columns[t["column"]]
        if t["kind"] == "numeric":
            vals = numbers(t["column"])
        elif t["kind"] == "boolean":
            vals = [None if is_missing(c) else c for c in col]
        else:
            vals = cell_keys(col)
        feats.append(vals)
        if pre["missing"] in ("drop", "refuse"):
            for r in range(n):
                if vals[r] is None:
                    if pre["missing"] == "refuse":
                        raise DataError("%s, line %d, column %s: this cell is missing" % (path, lines[r], t["column"]))
                    drop[r] = True
    keep = [r for r in range(n) if not drop[r]]
    if not keep:
        raise DataError("%s: no rows are left after dropping rows with missing values" % path)
    width = len(pre["featureNames"])
    x = np.zeros((len(keep), width), dtype=np.float32)
    at = 0
    for t, vals in zip(pre["inputs"], feats):
        if t["kind"] == "numeric":
            col = np.array([t["impute"] if vals[r] is None else vals[r] for r in keep], dtype=np.float64)
            x[:, at] = (col - t["offset"]) * t["scale"]
            at += 1
        elif t["kind"] == "boolean":
            for i, r in enumerate(keep):
                v = vals[r]
                if v is None:
                    b = -1
                else:
                    try:
                        num = js_number(v)
                        b = 1 if num != 0 else 0
                    except ValueError:
                        b = boolean_word(v)
                x[i, at] = t["impute"] if b < 0 else b
            at += 1
        else:
            index = {c: k for k, c in enumerate(t["categories"])}
            imputed = -1 if t["impute"] is None else index.get(t["impute"], -1)
            for i, r in enumerate(keep):
                v = vals[r]
                k = imputed if v is None else index.get(v, -1)
                if k >= 0:
                    x[i, at + k] = 1
            at += len(t["categories"])
    if target["task"] == "regression":
        y = np.array([[tvals[r]] for r in keep], dtype=np.float32)
    else:
        classes = {c: k for k, c in enumerate(target["classNames"])}
        width_y = 1 if target["task"] == "binary" else len(classes)
        y = np.zeros((len(keep), width_y), dtype=np.float32)
        for i, r in enumerate(keep):
            k = classes.get(tvals[r], -1)
            if k < 0:
                raise DataError(
                    "%s, line %d, column %s: the target %r is not one of the classes the model was trained on"
                    % (path, lines[r], target["column"], tvals[r])
                )
            if target["task"] == "binary":
                y[i, 0] = k
            else:
                y[i, k] = 1
    return {"train": (x, y)}


IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """An IDX file (MNIST's format, plain or gzipped) as a NumPy array, as Netwright's reader takes it."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in IDX_TYPES:
        raise DataError("%s is not an IDX file (it does not start with an IDX magic number)" % path)
    ndim = data[3]
    head = 4 + 4 * ndim
    if ndim < 1 or len(data) < head:
        raise DataError("%s: its IDX header is cut short" % path)
    dims = struct.unpack(">%dI" % ndim, data[4:head])
    dtype = np.dtype(IDX_TYPES[data[2]])
    count = int(np.prod(dims))
    if len(data) < head + count * dtype.itemsize:
        raise DataError("%s is cut short: its header promises %s values" % (path, " x ".join(map(str, dims))))
    return np.frombuffer(data, dtype=dtype, count=count, offset=head).reshape(dims)


def encode_targets(keys, where):
    """Class keys (or numbers, for regression) as Netwright encodes targets: one-hot, 0/1, or values."""
    target = PREPROCESSING["target"]
    if target["task"] == "regression":
        return np.array([[v] for v in keys], dtype=np.float32)
    classes = {c: k for k, c in enumerate(target["classNames"])}
    binary = target["task"] == "binary"
    y = np.zeros((len(keys), 1 if binary else len(classes)), dtype=np.float32)
    for i, key in enumerate(keys):
        k = classes.get(key, -1)
        if k < 0:
            raise DataError(
                "%s: the target %r is not one of the classes the model was trained on (%s)"
                % (where(i), key, ", ".join(target["classNames"]))
            )
        if binary:
            y[i, 0] = k
        else:
            y[i, k] = 1
    return y


def prepare_idx(images_path, labels_path):
    """An IDX images/labels pair as Netwright prepares it: pixel columns pixel1.. (row by row, channels
    last, as stored), each scaled with the fitted offset and scale (the project's pixel scaling)."""
    pre = PREPROCESSING
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim < 2:
        raise DataError("%s holds a %d-d array, not images" % (images_path, images.ndim))
    if labels.ndim != 1 or len(labels) != len(images):
        raise DataError(
            "%s holds %s labels for the %d images of %s" % (labels_path, " x ".join(map(str, labels.shape)), len(images), images_path)
        )
    raw = images.reshape(len(images), -1)
    cols, offsets, scales, imputes = [], [], [], []
    for t in pre["inputs"]:
        m = re.match(r"^pixel(\d+)$", t["column"])
        if t["kind"] != "numeric" or not m or not 1 <= int(m.group(1)) <= raw.shape[1]:
            raise DataError(
                "%s has %d pixels per image; the model was trained on column %r" % (images_path, raw.shape[1], t["column"])
            )
        cols.append(int(m.group(1)) - 1)
        offsets.append(t["offset"])
        scales.append(t["scale"])
        imputes.append(t["impute"])
    px = raw[:, cols].astype(np.float64)
    missing = np.isnan(px)
    keep = np.arange(len(px))
    if missing.any():
        if pre["missing"] == "refuse":
            r, j = np.argwhere(missing)[0]
            raise DataError("%s, image %d, pixel %d: this value is missing" % (images_path, r + 1, cols[j] + 1))
        if pre["missing"] == "drop":
            keep = np.flatnonzero(~missing.any(axis=1))
            px = px[keep]
        else:
            px = np.where(missing, np.array(imputes, dtype=np.float64), px)
    x = ((px - np.array(offsets)) * np.array(scales)).astype(np.float32)
    lab = labels[keep]
    keys = [float(v) for v in lab] if pre["target"]["task"] == "regression" else [js_string(float(v)) for v in lab]
    y = encode_targets(keys, lambda i: "%s, label %d" % (labels_path, keep[i] + 1))
    return {"train": (x, y)}


def load_digits(spec, directory=None):
    """The built-in MNIST digits as Netwright draws them: every class file of the mnist package
    (0.json ... 9.json, 784 grey values in [0, 1] per digit), ordered by NumPy's
    RandomState(seed).permutation over all of them, the first "count" kept, the last "test" held out."""
    directory = directory or spec["dir"]
    pixels, labels = [], []
    for d in range(10):
        path = os.path.join(directory, "%d.json" % d)
        try:
            with open(path) as f:
                values = np.asarray(json.load(f)["data"], dtype=np.float32)
        except (OSError, ValueError, KeyError) as e:
            raise DataError(
                "%s: cannot read the MNIST digits (%s); pass --data DIR, the mnist package's src/digits folder" % (path, e)
            )
        if values.size % 784:
            raise DataError("%s: %d values is not a whole number of 28 x 28 digits" % (path, values.size))
        pixels.append(values.reshape(-1, 784))
        labels.append(np.full(len(pixels[-1]), d))
    pixels, labels = np.concatenate(pixels), np.concatenate(labels)
    count, held = spec["count"], spec["test"]
    order = np.random.RandomState(spec["seed"]).permutation(len(pixels))[:count]
    x = pixels[order]
    y = np.zeros((count, 10), dtype=np.float32)
    y[np.arange(count), labels[order]] = 1
    sets = {"train": (x[: count - held], y[: count - held])}
    if held:
        sets["test"] = (x[count - held :], y[count - held :])
    return sets


def embedded_data():
    sets = {}
    for part, (rows, features, targets, xb, yb) in DATA["sets"].items():
        sets[part] = (
            np.frombuffer(base64.b64decode(xb), dtype="<f4").reshape(rows, features).copy(),
            np.frombuffer(base64.b64decode(yb), dtype="<f4").reshape(rows, targets).copy(),
        )
    return sets


def load_data(path, labels=None):
    if DATA["kind"] == "digits":
        return load_digits(DATA, path)
    if path and (labels or DATA["kind"] == "idx"):
        if not labels:
            raise DataError("%s: say which IDX file holds its labels with --labels FILE" % path)
        return prepare_idx(path, labels)
    if path:
        return prepare_csv(path)
    if DATA["kind"] == "csv":
        return prepare_csv(DATA["path"])
    if DATA["kind"] == "idx":
        return prepare_idx(DATA["images"], DATA["labels"])
    if DATA["kind"] == "embedded":
        return embedded_data()
    raise DataError(
        "This script has no data of its own: pass --data FILE.csv with the columns the model was trained on (%s)."
        % ", ".join([PREPROCESSING["target"]["column"]] + [t["column"] for t in PREPROCESSING["inputs"]])
        if PREPROCESSING
        else "This script has no data of its own: export it again from a project with its data."
    )


def split_validation(x, y, fraction, seed):
    """Netwright's validation split: a seeded permutation, the first rows held out."""
    if fraction <= 0:
        return (x, y), None
    order = list(range(len(x)))
    shuffle_in_place(order, SeededRng((seed ^ 0x27D4EB2F) & M32))
    n_val = max(1, js_round(len(x) * fraction))
    val, train = order[:n_val], order[n_val:]
    return (x[train], y[train]), (x[val], y[val])


# ---------------------------------------------------------------------------------------------
# Training, as Netwright's trainer runs it.


def scheduled_lr(epoch, epochs):
    base = CONFIG["optimizer"]["lr"]
    s = CONFIG["schedule"]
    if s["kind"] == "step":
        return base * s["factor"] ** (epoch // s["everyEpochs"])
    if s["kind"] == "cosine":
        return s["minLr"] + (base - s["minLr"]) * 0.5 * (1 + math.cos(math.pi * epoch / epochs))
    return base


def make_optimizer(params):
    o = CONFIG["optimizer"]
    name, lr = o["name"], o["lr"]
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name in ("momentum", "nesterov"):
        return torch.optim.SGD(params, lr=lr, momentum=o["momentum"], nesterov=name == "nesterov")
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, eps=o["eps"])
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=o["rho"], eps=o["eps"])
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(o["beta1"], o["beta2"]), eps=o["eps"])
    if name == "adamw":
        return torch.optim.AdamW(
            params, lr=lr, betas=(o["beta1"], o["beta2"]), eps=o["eps"], weight_decay=o["weightDecay"]
        )
    raise ValueError("unknown optimizer %r" % name)


def penalty(model):
    """L1 and L2 on the weights Netwright regularizes (not on biases)."""
    total = None
    params = netwright_params(model)
    for name in REGULARIZED:
        w = params[name]
        if CONFIG["l2"] > 0:
            term = CONFIG["l2"] * torch.sum(torch.square(w))
            total = term if total is None else total + term
        if CONFIG["l1"] > 0:
            term = CONFIG["l1"] * torch.sum(torch.abs(w))
            total = term if total is None else total + term
    return total


def clip_global_norm(params, c):
    """Netwright's clipping: every gradient times c / max(|g|, c), |g| the norm of all of them."""
    grads = [p.grad for p in params if p.grad is not None]
    norm = torch.sqrt(sum(torch.sum(torch.square(g)) for g in grads))
    factor = c / torch.clamp(norm, min=c)
    for g in grads:
        g.mul_(factor)


def correct_count(pred, y):
    """Rows classified right, as a tensor (Netwright's decision rule: argmax, or a threshold)."""
    if y.shape[0] == 0:
        return torch.zeros((), device=y.device)
    if DECISION["kind"] == "argmax":
        return (pred.argmax(dim=1) == y.argmax(dim=1)).sum()
    return ((pred[:, 0] >= DECISION["at"]) == (y[:, 0] >= 0.5)).sum()


def draw_masks(rng, rows):
    """Dropout masks for one step as Netwright draws them: mask by mask, element by element."""
    masks = {}
    for name, shape, rate in MASKS:
        keep = 1 / (1 - rate)
        vals = [keep if rng.uniform() >= rate else 0.0 for _ in range(rows * math.prod(shape))]
        masks[name] = torch.tensor(vals, dtype=torch.float32).reshape(rows, *shape)
    return masks


def evaluate(model, x, y, device):
    model.eval()
    with torch.no_grad():
        xs, ys = torch.from_numpy(x).to(device), torch.from_numpy(y).to(device)
        logits, pred = model(xs)
        loss = float(data_loss(logits, pred, ys))
        out = {"loss": loss}
        if TASK == "regression":
            mse = float(torch.mean(torch.square(pred - ys)))
            var = float(torch.var(ys, unbiased=False)) if ys.numel() else 0.0
            out.update(mse=mse, r2=1 - mse / var if var > 0 else 0.0)
        else:
            out["accuracy"] = float(correct_count(pred, ys)) / max(1, len(x))
    model.train()
    return out


def weights_document(model, history, started):
    params = netwright_params(model)
    weights = {}
    for name, t in params.items():
        a = t.detach().to("cpu", torch.float32).contiguous()
        weights[name] = {"shape": list(a.shape), "data": a.reshape(-1).tolist()}
    return {
        "format": "netwright-weights",
        "version": 1,
        "producer": "Netwright %s PyTorch training script (torch %s)" % (NETWRIGHT_VERSION, torch.__version__),
        "name": NAME,
        "graph": GRAPH,
        "weights": weights,
        "preprocessing": PREPROCESSING,
        "training": CONFIG,
        "dataset": DATASET,
        "history": history,
        "startedAt": started,
    }


def write_atomic(path, text):
    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Train %s as Netwright does, with PyTorch." % NAME)
    ap.add_argument(
        "--data",
        help="a CSV file with the columns the model was trained on, an IDX images file (with --labels), or for the"
        " built-in digits the mnist package's src/digits folder (default: the project's data)",
    )
    ap.add_argument("--labels", help="the IDX labels file that goes with an IDX images file given as --data")
    ap.add_argument("--epochs", type=int, default=CONFIG["epochs"])
    ap.add_argument("--batch-size", type=int, default=CONFIG["batchSize"], help="global mini-batch (0: all rows)")
    ap.add_argument("--lr", type=float, default=None, help="learning rate (default: the project's)")
    ap.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:1, ... (under torchrun: one GPU per process)")
    ap.add_argument("--out", default=None, help="where to write the checkpoint (Netwright weights JSON)")
    ap.add_argument("--save-every", type=int, default=0, help="also write the checkpoint every N epochs")
    ap.add_argument("--fresh", action="store_true", help="PyTorch's default initialization instead of the exported weights")
    ap.add_argument(
        "--fast",
        action="store_true",
        help="PyTorch's own shuffling and dropout: faster on big data, no longer Netwright's exact run",
    )
    ap.add_argument("--json", action="store_true", help="one JSON object per epoch on stdout")
    args = ap.parse_args(argv)
    if args.lr is not None:
        CONFIG["optimizer"]["lr"] = args.lr
    epochs = args.epochs
    CONFIG["epochs"] = epochs
    CONFIG["batchSize"] = args.batch_size

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if args.device == "auto":
        device = torch.device("cuda:%d" % local_rank if torch.cuda.is_available() else "cpu")
    elif args.device == "cuda" and world > 1:
        device = torch.device("cuda:%d" % local_rank)
    else:
        device = torch.device(args.device)
    if device.type == "cuda":
        torch.cuda.set_device(device)
    if world > 1:
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    lead = rank == 0
    seed = CONFIG["seed"]
    torch.manual_seed(seed)

    try:
        sets = load_data(args.data, args.labels)
    except (DataError, OSError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    x, y = sets["train"]
    if "validation" in sets:
        train_set, val_set = (x, y), sets["validation"]
    else:
        train_set, val_set = split_validation(x, y, CONFIG["validationSplit"], seed)
    test_set = sets.get("test")
    xt, yt = torch.from_numpy(train_set[0]), torch.from_numpy(train_set[1])
    n = len(xt)

    model = NetwrightModel()
    if not args.fresh:
        load_initial_weights(model)
    if world > 1 and device.type == "cuda":
        # BatchNorm over the whole global batch, as Netwright normalises it (gloo on CPUs has no
        # synchronised BatchNorm: there each process normalises with its own share's statistics).
        model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    model.to(device)
    net = model
    if world > 1:
        net = torch.nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
    params = list(model.parameters())
    opt = make_optimizer(params)

    bs = n if CONFIG["batchSize"] == 0 else min(CONFIG["batchSize"], n)
    batches = (n + bs - 1) // bs
    order = list(range(n))
    shuffle_rng = SeededRng((seed ^ 0x9E3779B9) & M32)
    mask_rng = SeededRng((seed ^ 0x85EBCA6B) & M32)
    torch_gen = torch.Generator().manual_seed(seed)
    es = CONFIG.get("earlyStopping")
    best, since_best, good = None, 0, None
    history = []
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    out = args.out or "%s.checkpoint.json" % re.sub(r"[^A-Za-z0-9._-]+", "-", NAME).strip("-")
    stop = None
    t0 = time.perf_counter()
    samples = 0

    for epoch in range(epochs):
        lr = scheduled_lr(epoch, epochs)
        for g in opt.param_groups:
            g["lr"] = lr
        if CONFIG["shuffle"]:
            if args.fast:
                order = torch.randperm(n, generator=torch_gen).tolist()
            else:
                shuffle_in_place(order, shuffle_rng)
        # Sums kept on the device (no synchronisation per batch): loss x rows, correct rows, squared errors.
        sums = torch.zeros(3, dtype=torch.float64, device=device)
        for b in range(batches):
            start = b * bs
            rows = min(bs, n - start)
            lo, hi = rank * rows // world, (rank + 1) * rows // world
            idx = torch.tensor(order[start + lo : start + hi], dtype=torch.long)
            xb, yb = xt[idx].to(device, non_blocking=True), yt[idx].to(device, non_blocking=True)
            masks = None
            if MASKS and not args.fast:
                masks = {k: v[lo:hi].to(device) for k, v in draw_masks(mask_rng, rows).items()}
            logits, pred = net(xb, masks)
            local = hi - lo
            if local > 0:
                loss = data_loss(logits, pred, yb)
                # Each process's share of the global batch's loss: DDP averages the gradients.
                scaled = loss * (world if LOSS_IS_SUM else local * world / rows)
                # Netwright adds each batch's loss times its rows; summed over the processes.
                batch_part = loss.detach() * (rows if LOSS_IS_SUM else local)
            else:
                scaled = logits.sum() * 0.0
                batch_part = torch.zeros((), device=device)
            reg = penalty(model)
            total = scaled if reg is None else scaled + reg
            opt.zero_grad(set_to_none=True)
            total.backward()
            if CONFIG["clipNorm"] > 0:
                clip_global_norm(params, CONFIG["clipNorm"])
            opt.step()
            with torch.no_grad():
                sums[0] += batch_part.double()
                if TASK == "regression":
                    sums[2] += torch.sum(torch.square(pred - yb)).double()
                else:
                    sums[1] += correct_count(pred, yb)
        samples += n
        if world > 1:
            dist.all_reduce(sums)
        stats = sums.cpu()
        epoch_loss = float(stats[0]) / n
        point = {"epoch": epoch + 1, "loss": epoch_loss, "lr": lr}
        if TASK == "regression":
            mse = float(stats[2]) / (n * yt.shape[1])
            var = float(torch.var(yt, unbiased=False))
            point.update(mse=mse, r2=1 - mse / var if var > 0 else 0.0)
        else:
            point["accuracy"] = float(stats[1]) / n
        if val_set is not None:
            v = evaluate(model, val_set[0], val_set[1], device)
            point["val_loss"] = v["loss"]
            if "accuracy" in v:
                point["val_accuracy"] = v["accuracy"]
        if not math.isfinite(epoch_loss):
            stop = "diverged"
            if good is not None:
                model.load_state_dict(good)
            break
        good = {k: t.detach().clone() for k, t in model.state_dict().items()}
        history.append(point)
        if lead:
            if args.json:
                print(json.dumps(point), flush=True)
            else:
                print(
                    "epoch %d/%d  %s" % (epoch + 1, epochs, "  ".join("%s %.6g" % (k, v) for k, v in point.items() if k != "epoch")),
                    flush=True,
                )
            if args.save_every and (epoch + 1) % args.save_every == 0:
                write_atomic(out, json.dumps(weights_document(model, history, started)))
        if es:
            value = point["val_loss"] if es["monitor"] == "val_loss" and "val_loss" in point else point["loss"]
            if best is None or value < best[0] - es["minDelta"]:
                best, since_best = (value, {k: t.detach().clone() for k, t in model.state_dict().items()}), 0
            else:
                since_best += 1
                if since_best >= es["patience"]:
                    model.load_state_dict(best[1])
                    stop = "early_stop"
                    break
    elapsed = time.perf_counter() - t0
    if lead:
        summary = {"done": stop or "completed", "epochs": len(history), "samples_per_s": samples / max(elapsed, 1e-9)}
        if test_set is not None:
            summary["test"] = evaluate(model, test_set[0], test_set[1], device)
        write_atomic(out, json.dumps(weights_document(model, history, started)))
        summary["checkpoint"] = out
        print(json.dumps(summary) if args.json else "%s: %d epochs; checkpoint written to %s" % (summary["done"], len(history), out), flush=True)
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()
    return 3 if stop == "diverged" else 0


if __name__ == "__main__":
    sys.exit(main())
`;
