"""``medeval predictions split-coco``: a detector's set-wide COCO results as per-case files."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Literal, TextIO

from .._terminal_text import say
from ._usage import UsageError

__all__ = ["add"]

#: Case ids listed by name in the summary line; the rest are counted.
_NAMED = 10


def add(commands: Any) -> None:
    """The ``predictions`` subcommands."""
    predictions = commands.add_parser(
        "predictions", help="turn an algorithm's own output into medeval's per-case "
        "prediction files")
    actions = predictions.add_subparsers(dest="predictions_command", metavar="ACTION")
    text = ("write one coco-detection prediction file <case_id>.json per case of MANIFEST "
            "from a detector's set-wide COCO results file (mmdetection, detectron2, "
            "YOLO's COCO export)")
    split = actions.add_parser(
        "split-coco", help=text,
        description=text[0].upper() + text[1:] + ". An image_id is placed on its case "
        "through the images of the COCO file the detector ran on (--images), or of the "
        "set-wide COCO file the manifest's references point into: the image a reference "
        "selects, else the image whose file_name is the case's input frame (--image-ids "
        "stem: the image_id is the frame's file stem, as YOLO's COCO export writes it). "
        "A case whose "
        "image has no result gets [] (nothing detected). Refused, with every problem "
        "named: a result without image_id, category_id, score or bbox/segmentation, a "
        "number that is not finite, an image_id no case has, a case with no image or "
        "two. Nothing is written then, and no file is overwritten without --force.")
    split.add_argument("results", type=Path, metavar="RESULTS.json",
                       help="the detector's results: [{\"image_id\", \"category_id\", "
                       "\"bbox\", \"score\"}, ...]; one file")
    # a second file (mmdetection's .bbox.json and .segm.json) is refused with a reason
    split.add_argument("more_results", type=Path, nargs="*", help=argparse.SUPPRESS)
    split.add_argument("--manifest", type=Path, metavar="MANIFEST.csv",
                       help="the held-out set (default: the manifest --protocol names)")
    split.add_argument("--protocol", type=Path, metavar="PROTOCOL.toml",
                       help="the coco-detection protocol the files are for: every result "
                       "must carry what its iou_type scores (a bbox, or a segmentation), "
                       "else nothing is written")
    split.add_argument("--out", required=True, type=Path, metavar="DIR",
                       help="the predictions folder to write (medeval evaluate "
                       "--predictions DIR)")
    split.add_argument("--images", type=Path, metavar="COCO.json",
                       help="the COCO file the detector ran on (only its images' id and "
                       "file_name are read); default: the file the references point into")
    split.add_argument("--image-ids", choices=("coco", "stem"), default="coco",
                       help="what a result's image_id is: an id of the COCO images "
                       "(default), or the case's frame's file stem, a number when all "
                       "digits (YOLO's COCO export: ultralytics val save_json)")
    split.add_argument("--force", action="store_true",
                       help="overwrite prediction files already in DIR")
    split.set_defaults(handler=_split_coco)


def _split_coco(args: argparse.Namespace, out: TextIO) -> int:
    from ..loaders.coco_results import split_coco_results
    from ..manifest import Manifest
    from ..runner.predictions import atomic_write

    if args.more_results:
        raise UsageError(
            f"give one results file, not {1 + len(args.more_results)}: mmdetection writes the same "
            "detections twice, as boxes in its .bbox.json (for iou_type = \"bbox\") and "
            "as masks in its .segm.json (for iou_type = \"segm\", scored by the mask), so "
            "both at once would count every detection twice; nothing was written")
    iou_type, agnostic = _protocol_settings(args)
    if args.manifest is None:
        raise UsageError("split-coco needs --manifest MANIFEST.csv (or --protocol "
                         "PROTOCOL.toml, whose manifest is then read)")
    manifest = Manifest.from_csv(args.manifest, reference_kind="annotations-2d")
    _check_ids([case.case_id for case in manifest.cases], args.manifest)
    split = split_coco_results(args.results, manifest.cases, root=manifest.root,
                               images=args.images, image_ids=args.image_ids,
                               iou_type=iou_type)
    files = {case: args.out / f"{case}.json" for case in split.results}
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out}: not a folder")
    there = [path.name for path in files.values() if path.exists()]
    _spare_the_set(manifest, [args.out / name for name in there], args)
    if there and not args.force:
        shown = ", ".join(there[:5]) + (f" and {len(there) - 5} more" if len(there) > 5
                                         else "")
        raise UsageError(f"--out {args.out} already holds {len(there)} of the prediction "
                         f"files ({shown}); nothing was written: choose another folder, or "
                         "give --force to overwrite them")
    written = {path.name for path in files.values()}
    others = sorted(p.name for p in args.out.iterdir()
                    if p.name not in written) if args.out.is_dir() else []
    args.out.mkdir(parents=True, exist_ok=True)
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode  # one, reused
    for case, found in split.results.items():
        lines = ",\n".join(map(encode, found))
        data = f"[\n{lines}\n]\n" if found else "[]\n"
        atomic_write(files[case], data.encode("utf-8"), durable=False)
    empty = split.empty_cases
    named = ", ".join(empty[:_NAMED]) + (f" and {len(empty) - _NAMED} more"
                                         if len(empty) > _NAMED else "")
    out.write(f"wrote {len(files)} prediction files to {args.out}: {split.n_results} "
              f"results of {args.results} on {len(files) - len(empty)} cases (image ids "
              f"from {split.images_source})\n")
    out.write(f"{len(empty)} case(s) got none, an empty list (nothing detected)"
              + (f": {named}\n" if empty else "\n"))
    _warn(split, args, manifest, others, iou_type=iou_type, agnostic=agnostic)
    return 0


def _protocol_settings(
    args: argparse.Namespace,
) -> tuple[Literal["bbox", "segm"] | None, bool]:
    """The ``iou_type`` and ``class_agnostic`` of ``--protocol`` (None, False without
    one); its manifest becomes ``--manifest`` where that is not given."""
    if args.protocol is None:
        return None, False
    from ..protocol import load_protocol

    protocol = load_protocol(args.protocol)
    if protocol.task.type != "coco-detection":
        raise UsageError(f"--protocol {args.protocol}: its task is "
                         f"{protocol.task.type!r}; split-coco writes coco-detection "
                         "predictions")
    if args.manifest is None:
        args.manifest = protocol.manifest_path()
    return protocol.task.iou_type, protocol.task.class_agnostic


def _warn(split: Any, args: argparse.Namespace, manifest: Any, others: list[str], *,
          iou_type: str | None, agnostic: bool) -> None:
    """What the split wrote but the evaluation may not score as meant, on stderr."""
    if split.stem_clashes:
        shown = ", ".join(map(str, split.stem_clashes[:5]))
        say(f"medeval: warning: {len(split.stem_clashes)} image id(s) ({shown}) placed on "
            "one case are the file stem of another case's frame: if the detector wrote "
            "file stems as image ids (YOLO's COCO export), its results are on the wrong "
            "cases; split again with --image-ids stem --force")
    if iou_type is None:
        no_box = sum("bbox" not in item for found in split.results.values()
                     for item in found)
        if no_box:
            say(f"medeval: warning: {no_box} of {split.n_results} results have no "
                "'bbox' (a segmentation only): a protocol with iou_type = \"bbox\" (the "
                "default) fails their cases as invalid output; evaluate them with "
                "iou_type = \"segm\" (give --protocol to have this checked before "
                "writing)")
    if others:
        where = ("is the held-out set's folder: it holds" if args.out.resolve()
                 == Path(manifest.root).resolve() else "already held")
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more"
                                         if len(others) > 5 else "")
        say(f"medeval: warning: --out {args.out} {where} {len(others)} other file(s) or "
            f"folder(s) ({shown}) that name no case; medeval evaluate --predictions "
            f"{args.out} names them too: keep each run's predictions in a folder of "
            "their own")
    if split.unknown_categories and not agnostic:
        listed = ", ".join(f"{number} ({count} results)" for number, count
                           in list(split.unknown_categories.items())[:5])
        say(f"medeval: warning: category ids not among the categories of "
            f"{split.categories_source}: {listed}; the evaluation fails every case holding "
            "one as invalid output (pycocotools' COCOeval leaves such results out): "
            "renumber the detector's categories as that file numbers them")


def _spare_the_set(manifest: Any, targets: list[Path], args: argparse.Namespace) -> None:
    """Refuse, even with --force, to write over a file the manifest names (a case's
    annotation file ``labels/c001.json`` with ``--out labels``), or over the results,
    images or manifest file."""
    from ..loaders.annotations_2d import split_reference

    if not targets:
        return
    named = {args.results, args.manifest, *([args.images] if args.images else [])}
    for case in manifest.cases:
        named.update(manifest.root / name for name in case.inputs)
        named.add(manifest.root / (split_reference(case.reference)[0]
                                   if "#" in case.reference else case.reference))
    resolved = {path.resolve() for path in named}
    clash = [path.name for path in targets if path.resolve() in resolved]
    if clash:
        raise UsageError(f"--out {args.out}: {', '.join(clash[:5])} would be written over, "
                         "and the set (or the command line) names it; nothing was written: "
                         "write the predictions to a folder of their own")


def _check_ids(case_ids: list[str], manifest: Path) -> None:
    """Case ids that cannot name a file, or name two cases' files: refused up front."""
    import re
    import unicodedata

    unfit = [c for c in case_ids if not c or c in (".", "..") or re.search(
        r"[/\\\x00-\x1f\x7f]", c)]
    seen: set[str] = set()
    twice = sorted({c for c in case_ids if c in seen or seen.add(c)})  # type: ignore[func-returns-value]
    folded: dict[str, list[str]] = {}
    for c in dict.fromkeys(case_ids):
        folded.setdefault(unicodedata.normalize("NFC", c.casefold()), []).append(c)
    one_file = [names for names in folded.values() if len(names) > 1]
    if unfit or twice or one_file:
        problems = [f"case id {c!r} cannot name a file" for c in unfit] + [
            f"case id {c!r} is given twice" for c in twice] + [
            f"case ids {' and '.join(map(repr, names))} differ only in letter case or "
            "Unicode form: on macOS and Windows their files are one file, and one "
            "case's predictions would overwrite the other's" for names in one_file]
        raise UsageError(f"manifest {manifest}: " + "; ".join(problems[:10])
                         + (f"; ... ({len(problems)} in all)" if len(problems) > 10
                            else "") + "; nothing was written")
