"""The content model: pure data from the result JSON; the catalogues agree."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from medeval.report import ReportError, build_certificate, load_report_info
from medeval.report.catalogue import Msg, base_key, catalogue, texts
from medeval.report.content import Fields, Signatures, Table, is_precheck
from medeval.result import read_result


def test_catalogues_have_the_same_keys_and_fields() -> None:
    ko, en = catalogue("ko"), catalogue("en")
    assert set(ko) == set(en)
    # a result's warning is written in each language (report/notes_ko.py): its item
    # takes the English as {en} and the Korean as {ko}
    assert (ko["text.warning_item"], en["text.warning_item"]) == ("• {ko}", "• {en}")
    # so does the list of pixel-size sources (medeval's words for the non-DICOM ones)
    assert re.findall(r"{(\w+)}", ko["text.pixel_size_sources"]) == ["ko"]
    assert re.findall(r"{(\w+)}", en["text.pixel_size_sources"]) == ["en"]
    # and as revised after a release (strings.ko.after-0.9.0.toml, '<key>@after-0.9.0')
    assert re.findall(r"{(\w+)}", ko["text.pixel_size_sources@after-0.9.0"]) == ["ko"]
    assert (ko["text.as_written"], en["text.as_written"]) == ("{ko}", "{en}")
    # a Hausdorff figure at another percentile: '90번째 백분위수', '90th' (the English ordinal)
    for variant in ("max-directed", "pooled"):
        key = f"metric_hd.{variant}"
        assert re.findall(r"{(\w+)}", ko[key]) == ["percentile"], key
        assert re.findall(r"{(\w+)}", en[key]) == ["nth"], key
    # and the note naming such figures ('the 92nd percentile' in English only)
    assert set(re.findall(r"{(\w+)}", ko["text.hd_percentile"])) == {"figures", "percentile"}
    assert set(re.findall(r"{(\w+)}", en["text.hd_percentile"])) == {
        "figures", "percentile", "nth"}
    for key in set(ko):
        # and a definition's edge cases (report/edge_cases.py), as text.as_written
        if key.partition("@after-")[0] in {"text.warning_item", "text.pixel_size_sources",
                                           "text.as_written", "metric_hd.max-directed",
                                           "metric_hd.pooled", "text.hd_percentile"}:
            continue
        assert set(re.findall(r"{(\w+)}", ko[key])) == set(re.findall(r"{(\w+)}", en[key])), key


def test_bilingual_texts() -> None:
    assert texts(Msg("doc.end"), "ko+en") == ("— 이하 여백 —", "End of report")
    assert texts("KTL-1", "ko+en") == ("KTL-1",)


def test_certificate_content(certified: Path) -> None:
    result = read_result(certified)
    certificate = build_certificate(result)
    assert not certificate.precheck
    assert certificate.report_number == "KTL-2026-0001"
    assert certificate.issue_date == result.context.finished[:10]
    blocks = [b for s in certificate.sections for b in s.blocks]
    assert any(isinstance(b, Signatures) for b in blocks)
    summary = next(s for s in certificate.sections if s.title.key == "section.summary")
    table = summary.blocks[0]
    assert isinstance(table, Table) and len(table.rows) == len(result.verdicts)
    cover = certificate.sections[0].blocks[-1]
    assert isinstance(cover, Fields)
    assert ("WDBC logistic regression †") in [v for _, v in cover.rows]


def test_precheck_has_no_signatures(precheck: Path) -> None:
    result = read_result(precheck)
    assert is_precheck(result)
    blocks = [b for s in build_certificate(result).sections for b in s.blocks]
    assert not any(isinstance(b, Signatures) for b in blocks)


def test_report_info_overrides_and_errors(certified: Path, tmp_path: Path) -> None:
    info = load_report_info({"report_number": "KTL-2026-0001-A1", "replaces": "KTL-2026-0001"})
    certificate = build_certificate(read_result(certified), info)
    assert certificate.report_number == "KTL-2026-0001-A1"
    bad = tmp_path / "info.toml"
    bad.write_text('tested_by = "x"\nsigned_by = "y"\n')
    with pytest.raises(ReportError, match="info.toml") as error:
        load_report_info(bad)
    assert "signed_by" in str(error.value) and "tested_by" in str(error.value)


def test_a_bare_result_is_refused() -> None:
    # plain data is not read here: read_result (or Result.from_dict) decodes it first
    with pytest.raises(ReportError, match="expected a medeval Result"):
        build_certificate({"schema": "medeval.result/2", "task": "binary-classification"})


def test_import_medeval_stays_light() -> None:
    code = ("import sys, medeval, medeval.report; "
            "heavy = [m for m in ('reportlab', 'matplotlib', 'pikepdf', 'pyhanko', 'pypdf', "
            "'jinja2') if m in sys.modules]; print(heavy)")
    src = str(Path(__file__).resolve().parents[2] / "src")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": src, "PATH": ""}).stdout
    assert out.strip() == "[]"


def _ec57_table(records: dict) -> dict:
    """An ec57 table as the ecg-beats task writes it (tasks/ecg_beats.py, `_matrices`)."""
    pooled = [[sum(m[i][j] for m in records.values()) for j in range(6)] for i in range(6)]
    return {"ec57": {"matrix": {"rows": ["N", "S", "V", "F", "Q", "O"],
                                "columns": ["n", "s", "v", "f", "q", "o"],
                                "pooled": pooled, "records": records}}}


def _tables(certificate) -> list[Table]:
    return [b for s in certificate.sections for b in s.blocks if isinstance(b, Table)]


def test_the_ec57_matrices_are_printed_pooled_and_per_record(certified: Path) -> None:
    from dataclasses import replace

    # two records; record 101 has an F beat labelled S (row F, column s)
    a = [[50, 1, 0, 0, 0, 2], [0, 7, 0, 0, 0, 1], [1, 0, 9, 0, 0, 0],
         [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], [3, 0, 1, 0, 0, 0]]
    b = [[40, 0, 0, 0, 0, 0], [0, 2, 0, 0, 0, 0], [0, 0, 4, 0, 0, 0],
         [0, 1, 0, 2, 0, 0], [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]]
    result = replace(read_result(certified), tables=_ec57_table({"100": a, "101": b}))
    tables = _tables(build_certificate(result))
    matrices = [t for t in tables if t.header[1:] == ("n", "s", "v", "f", "q", "o")]
    assert len(matrices) == 3  # pooled, then each record
    pooled, first, second = matrices
    assert pooled.rows[0] == ("N", "90", "1", "0", "0", "0", "2")  # 50 + 40 ...
    assert pooled.rows[3] == ("F", "0", "1", "0", "2", "0", "0")
    assert first.header[0].params == (("case_id", "100"),)
    assert second.rows[3][2] == "1" and [r[0] for r in second.rows] == list("NSVFQO")


def test_many_records_print_the_pooled_matrix_and_say_where_the_rest_are(
        certified: Path) -> None:
    from dataclasses import replace

    one = [[1 if i == j else 0 for j in range(6)] for i in range(6)]
    one[5][5] = 0
    records = {f"r{k:02d}": one for k in range(13)}
    result = replace(read_result(certified), tables=_ec57_table(records))
    certificate = build_certificate(result)
    matrices = [t for t in _tables(certificate) if t.header[1:2] == ("n",)]
    assert len(matrices) == 1 and matrices[0].rows[0][1] == "13"
    notes = [b.text for s in certificate.sections for b in s.blocks
             if hasattr(b, "text") and getattr(b.text, "key", "") == "text.ec57_matrix_more"]
    assert notes and dict(notes[0].params)["n"] == "13"


def test_the_gpus_the_run_used_are_on_the_certificate(certified: Path) -> None:
    from dataclasses import replace

    result = read_result(certified)
    gpus = {"requested": "all", "shared": False, "workers": {"w0": [0]},
            "devices": [{"index": 0, "minor": 0, "bus_id": "0000:3b:00.0", "uuid": "GPU-1",
                         "name": "Tesla V100-SXM2-32GB", "driver": "535.104.05",
                         "memory": "32768 MiB"}]}
    with_gpu = replace(result, algorithm=replace(result.algorithm,
                                                 run={**result.algorithm.run, "gpus": gpus}))
    rows = [row for s in build_certificate(with_gpu).sections for b in s.blocks
            if isinstance(b, Fields) for row in b.rows if row[0].key == "field.gpus"]
    assert rows == [(rows[0][0], "0: Tesla V100-SXM2-32GB (driver 535.104.05, 32768 MiB)")]
    cpu_only = [row for s in build_certificate(result).sections for b in s.blocks
                if isinstance(b, Fields) for row in b.rows if row[0].key == "field.gpus"]
    assert cpu_only[0][1].key == "text.none"


def test_an_amendment_says_so_first_and_old_report_info_keeps_its_digest(
        certified: Path) -> None:
    # ISO/IEC 17025 7.8.8.2: an amended report is identified as one and names the report
    # it replaces. Report info without 'amendment' is written as before the key existed
    # (the canonical JSON of the other fields), so its digest, recorded in certificates
    # issued before, is unchanged and they still verify.
    import hashlib
    import json

    from medeval._canonical import canonical_json

    old = load_report_info({"report_number": "LAB-1", "replaces": "LAB-0"})
    fields = old.model_dump()
    # added later, left out unset
    del fields["amendment"], fields["amendment_reason"], fields["verification_url"]
    assert old.to_json() == canonical_json(fields)
    assert old.digest() == hashlib.sha256(canonical_json(fields)).hexdigest()
    assert json.loads(load_report_info({"amendment": 3}).to_json())["amendment"] == 3
    result = read_result(certified)
    cover = build_certificate(result, load_report_info(
        {"replaces": "LAB-0", "amendment": 2})).sections[0]
    first = texts(cover.blocks[0].text, "ko+en")  # type: ignore[attr-defined]
    # amendment 2 replaces amendment 1 (LAB-0 here), not the report first issued
    # (a result made after 0.9.0: the number in brackets, the particle after 성적서)
    assert first == ("이 성적서는 수정본 2이며, 수정본 1인 성적서(LAB-0)를 대체합니다.",
                     "Amendment 2: it replaces report LAB-0, amendment 1.")
    plain = build_certificate(result, old).sections[0]
    assert texts(plain.blocks[0].text, "en") == (  # type: ignore[attr-defined]
        "This report amends and replaces report LAB-0.",)
    with pytest.raises(ReportError, match="amendment"):
        load_report_info({"replaces": "LAB-0", "amendment": 0})


def test_the_eeg_event_counts_are_printed_beside_their_ratios(tmp_path: Path) -> None:
    # The eeg-events example (6 recordings; E-05 has no prediction, E-06 a malformed one:
    # worst case, nothing detected). Its ratios carry n = 6, the recordings, and the
    # legend said n is a numerator/denominator or the cases of a mean, so "sensitivity
    # 0.5, n 6" read as events; the counts the ratios are made of were in the result
    # (tables.events) and nowhere on the certificate. They are counted here with
    # timescoring on each recording's files (10 Hz grid: the times are whole tenths).
    import json
    import shutil

    from timescoring import scoring
    from timescoring.annotations import Annotation

    import medeval
    from medeval.report.catalogue import catalogue

    example = Path(__file__).resolve().parents[2] / "examples" / "eeg-events"
    folder = tmp_path / "eeg"
    shutil.copytree(example, folder, ignore=shutil.ignore_patterns("result"))
    tp = fp = n_reference = 0
    seconds = 0.0
    for case in [f"E-0{k}" for k in range(1, 7)]:
        reference = json.loads((folder / "references" / f"{case}.json").read_text())
        path = folder / "predictions" / f"{case}.json"
        events = json.loads(path.read_text())["events"] if path.is_file() else None
        failed = not isinstance(events, list)  # E-05 none, E-06 "none found"
        n = round(reference["duration_s"] * 10)
        scored = scoring.EventScoring(
            Annotation([tuple(e) for e in reference["events"]], 10, n),
            Annotation([] if failed else [tuple(e) for e in events], 10, n),
            scoring.EventScoring.Parameters())
        tp, fp, n_reference = tp + scored.tp, fp + scored.fp, n_reference + scored.refTrue
        seconds += 0.0 if failed else reference["duration_s"]  # the recordings scored
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    assert result.metric("sensitivity").estimate.n == 6  # recordings, not events
    tables = _tables(build_certificate(result))
    (counts,) = [t for t in tables if t.header[0] == Msg("column.item")
                 and base_key(getattr(t.rows[0][0], "key", "")) == "text.events_reference"]
    assert [row[1] for row in counts.rows] == [
        str(n_reference), str(tp), str(fp), f"{seconds / 3600:.2f}"]
    assert (n_reference, tp, fp) == (4, 2, 1)
    assert "the number of records pooled" in catalogue("en")["text.unit_note"]


def test_a_failed_ecg_record_is_said_to_have_detected_no_beat(tmp_path: Path) -> None:
    # The ecg-beats example: syn03 has no prediction (worst case). The certificate said
    # failed cases were counted as "the worst outcome (a wrong answer, Dice 0, the
    # declared worst distance)", none of which an ECG record has; it now says what was
    # counted: no beat detected. That is what the figures hold: syn03's row of the EC57
    # matrix has every scored reference beat missed (column o), counted with wfdb.
    import json
    import shutil

    import wfdb

    import medeval

    example = Path(__file__).resolve().parents[2] / "examples" / "ecg-beats"
    folder = tmp_path / "ecg"
    shutil.copytree(example, folder, ignore=shutil.ignore_patterns("result"))
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    atr = wfdb.rdann(str(folder / "references" / "syn03"), "atr")
    header = wfdb.rdheader(str(folder / "records" / "syn03"))
    beats = [t for t, c in zip(atr.sample, atr.symbol)
             if c in "NLRBAaJSVrFejnE/fQ?" and 300 * header.fs <= t <= header.sig_len]
    matrix = json.loads(result.to_json())["tables"]["ec57"]["matrix"]["records"]["syn03"]
    assert sum(row[5] for row in matrix) == len(beats) > 0
    assert sum(sum(row[:5]) for row in matrix) == 0
    certificate = build_certificate(result)
    # a phrase revised after a release is keyed '<key>@after-<release>' (catalogue.reworded)
    keys = [getattr(getattr(b, "text", None), "key", "").partition("@after-")[0]
            for s in certificate.sections for b in s.blocks]
    assert "text.failures_worst_ecg-beats" in keys and "text.failures_worst" not in keys
    policy = catalogue("en")["text.policy_worst-case_ecg-beats"]
    assert policy == "worst case (a failed record detected no beat)"
    cells = [c for s in certificate.sections for b in s.blocks if isinstance(b, (Table,))
             for row in b.rows for c in row]
    # a phrase revised after a release is keyed '<key>@after-<release>': its base key
    assert "text.policy_worst-case_ecg-beats" in {base_key(c.key) for c in cells
                                                  if isinstance(c, Msg)}


def test_the_ec57_average_statistics_are_printed_beside_the_gross(tmp_path: Path) -> None:
    # EC57 reports each statistic gross (pooled counts) and average (the mean of the
    # per-record figures, sumstats); the certificate printed the gross only. The ecg-beats
    # example: per-record QRS Se and +P counted with wfdb's compare_annotations from the
    # 5-minute start to each header's end (strict window floor(0.15 fs) + 1 samples:
    # bxb's inclusive 0.15 s); syn03 failed, no beat detected (Se 0, +P 0/0 left out).
    import json
    import math
    import shutil

    import numpy as np
    import wfdb
    from wfdb import processing

    import medeval

    example = Path(__file__).resolve().parents[2] / "examples" / "ecg-beats"
    folder = tmp_path / "ecg"
    shutil.copytree(example, folder, ignore=shutil.ignore_patterns("result"))
    se, ppv = [], []
    for record, case in (("100", "mitdb-100"), ("syn01", "syn01"), ("syn02", "syn02"),
                         ("syn03", "syn03")):
        header = wfdb.rdheader(str(folder / "records" / record))
        atr = wfdb.rdann(str(folder / "references" / record), "atr")
        ref = np.array([t for t, c in zip(atr.sample, atr.symbol) if c in "NLRBAaJSVrFejnE/fQ?"])
        path = folder / "predictions" / f"{case}.json"
        test = np.array(json.loads(path.read_text())["samples"] if path.is_file() else [],
                        dtype=int)
        start, end = 300 * header.fs, header.sig_len
        ref, test = ref[(ref >= start) & (ref <= end)], test[(test >= start) & (test <= end)]
        if test.size:
            found = processing.compare_annotations(ref, test, math.floor(0.15 * header.fs) + 1)
            tp, fp, fn = found.tp, found.fp, found.fn
        else:
            tp, fp, fn = 0, 0, ref.size
        se.append(tp / (tp + fn))
        if tp + fp:
            ppv.append(tp / (tp + fp))
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    (table,) = [t for t in _tables(build_certificate(result))
                if t.header[1:] == (Msg("column.ec57_average"), Msg("column.ec57_records"))]
    rows = {getattr(row[0], "key", ""): row[1:] for row in table.rows}
    assert rows["metric.qrs_sensitivity"] == (f"{np.mean(se):.4f}", str(len(se)))
    assert rows["metric.qrs_ppv"] == (f"{np.mean(ppv):.4f}", str(len(ppv)))
    assert rows["metric.sveb_ppv"] == (Msg("text.undefined"), "0")  # no beat called S


def test_a_non_standard_comparison_is_said_under_the_definitions(
        tmp_path: Path, shared_data: Path) -> None:
    # MIT-BIH record 100 against its .qrs detections under a protocol with window_s = 0.1
    # (EC57: 0.15 s). The definitions printed "beats matched within 0.15 s (inclusive)
    # after a 5-min learning period" and the deviations "None", while the figures used
    # 0.1 s (tables.ec57.standard false, nowhere on the certificate). The note now says
    # so; the figure is compare_annotations' count at a strict window of 37 samples (bxb's
    # inclusive 0.1 s at 360 Hz) from 300 s to the header's end.
    import json
    import shutil

    import numpy as np
    import wfdb
    from wfdb import processing

    import medeval

    for ext in ("hea", "dat", "atr"):
        shutil.copy(shared_data / "ecg" / "mitdb" / f"100.{ext}", tmp_path / f"100.{ext}")
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input_header,input_signal,reference\n100,p1,100.hea,100.dat,100.atr\n")
    example = Path(__file__).resolve().parents[2] / "examples" / "ecg-beats" / "protocol.toml"
    (tmp_path / "protocol.toml").write_text(example.read_text().replace(
        'type = "ecg-beats"', 'type = "ecg-beats"\nwindow_s = 0.1'))
    detections = wfdb.rdann(str(shared_data / "ecg" / "mitdb" / "100"), "qrs")
    shifted = detections.sample + 50  # 37 samples after its beat (.qrs is 13 before)
    shifted[::2] = detections.sample[::2]
    (tmp_path / "pred").mkdir()
    (tmp_path / "pred" / "100.json").write_text(json.dumps(
        {"fs": 360, "samples": shifted.tolist()}))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    header = wfdb.rdheader(str(tmp_path / "100"))
    atr = wfdb.rdann(str(tmp_path / "100"), "atr")
    ref = np.array([t for t, c in zip(atr.sample, atr.symbol) if c != "+"])
    start, end = 300 * header.fs, header.sig_len
    found = processing.compare_annotations(
        ref[(ref >= start) & (ref <= end)], shifted[(shifted >= start) & (shifted <= end)], 37)
    se = result.metric("qrs_sensitivity").estimate
    assert (se.numerator, se.n) == (found.tp, found.tp + found.fn)
    assert 0 < found.tp < found.tp + found.fn  # the window matters here
    notes = [b.text for s in build_certificate(result).sections for b in s.blocks
             if base_key(getattr(getattr(b, "text", None), "key", "")) == (
                 "text.non_standard_ec57")]
    assert len(notes) == 1 and dict(notes[0].params) == {"window": "0.1", "learning": "300"}
    assert "(EC57: 0.15 s and 300 s)" in catalogue("en")["text.non_standard_ec57"]
    # the Korean sentence names the learning period first, then the window: EC57's values
    # are given in that order and named ('(EC57: 0.15초, 300초)' read as a learning
    # period of 0.15 s and a window of 300 s)
    assert ("학습 구간 {learning}초 뒤부터 {window}초 이내의 박동을 짝지었습니다 (EC57: 학습 "
            "구간 300초, 0.15초 이내)") in catalogue("ko")["text.non_standard_ec57"]


def test_failed_eeg_recordings_add_no_time_to_the_false_alarm_rate(tmp_path: Path) -> None:
    # The eeg-events example: E-05 (no prediction) and E-06 (malformed) fail, counted as
    # detecting nothing. Their 200 s counted in the false alarms per 24 h: 1 false alarm
    # (E-02's, timescoring below) over 600 s gave 144 per 24 h under 'worst case',
    # against 216 over the 400 s of the scored recordings with them excluded: the
    # figure called the worst case was the more favourable one. A failed recording's
    # time is now left out of that rate (no detections, so no false alarms, are known
    # of it): 216 under both policies, and the events table's hours are the 400 s.
    import json
    import shutil

    from timescoring import scoring
    from timescoring.annotations import Annotation

    import medeval

    example = Path(__file__).resolve().parents[2] / "examples" / "eeg-events"
    folder = tmp_path / "eeg"
    shutil.copytree(example, folder, ignore=shutil.ignore_patterns("result"))
    fp, seconds, scored_seconds = 0, 0.0, 0.0
    for case in [f"E-0{k}" for k in range(1, 7)]:
        reference = json.loads((folder / "references" / f"{case}.json").read_text())
        path = folder / "predictions" / f"{case}.json"
        events = json.loads(path.read_text())["events"] if path.is_file() else None
        seconds += reference["duration_s"]
        if not isinstance(events, list):
            continue  # failed: E-05, E-06
        n = round(reference["duration_s"] * 10)
        fp += scoring.EventScoring(Annotation([tuple(e) for e in reference["events"]], 10, n),
                                   Annotation([tuple(e) for e in events], 10, n)).fp
        scored_seconds += reference["duration_s"]
    assert (seconds, scored_seconds) == (600.0, 400.0)
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    worst = result.metric("fp_per_24h").estimate.value
    data = json.loads(result.to_json())
    excluded = data["failures"]["alternative"]["metrics"]["fp_per_24h"]["value"]
    assert worst == pytest.approx(fp / scored_seconds * 86400) == pytest.approx(216.0)
    assert excluded == pytest.approx(216.0)
    assert data["tables"]["events"]["hours"] == pytest.approx(scored_seconds / 3600)
    # sensitivity still counts the failed recordings' events as missed under worst case
    assert result.metric("sensitivity").estimate.value < \
        data["failures"]["alternative"]["metrics"]["sensitivity"]["value"]
    keys = [base_key(getattr(getattr(b, "text", None), "key", "")) for s in
            build_certificate(result).sections for b in s.blocks]
    assert "text.failures_worst_eeg-events" in keys
    assert "recording time is not counted in the false alarms per 24 h" in catalogue("en")[
        "text.failures_worst_eeg-events"]


def _failed_frame_note(task: str) -> str:
    """The note a detection result made today prints on its failed cases: the detection
    task's says too how its case-level AUC ranks them (a72a6103)."""
    return f"text.failures_worst_{task}" + ("_ranked" if task == "detection" else "")


@pytest.mark.parametrize("example, unit", [("polyp-detection", "frame"),
                                           ("detection", "case")])
def test_a_detection_certificate_says_what_a_failed_frame_counted_as(
        tmp_path: Path, example: str, unit: str) -> None:
    # A failed frame of the detection tasks counts as detecting nothing, and is not one
    # of the frames the FROC's false positives per frame are taken over (it was, and
    # 1e46834 said so; now the frames scored, as with the failed ones excluded). The
    # certificate
    # said instead 'counted as the worst outcome (a wrong answer, Dice 0, the declared
    # worst distance)', the general examples of other tasks (found in the endoscopy user
    # pass, on a coco-detection certificate of 375 frames, 8 failed). The frames counted
    # by the csv module from the manifest; the failed ones are those without a usable
    # prediction (the example's README: one missing file, one box of 3 numbers).
    import csv
    import json
    import shutil

    import medeval

    folder = shutil.copytree(Path(__file__).resolve().parents[2] / "examples" / example,
                             tmp_path / example, ignore=shutil.ignore_patterns("result*"))
    with open(folder / "manifest.csv", newline="", encoding="utf-8") as handle:
        frames = len(list(csv.DictReader(handle)))
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    data = json.loads(result.to_json())
    assert data["failures"]["n_failed"] == 2 and data["failures"]["policy"] == "worst-case"
    assert data["tables"]["froc"]["n_cases"] == frames  # the failed frames' lesions in
    assert data["tables"]["froc"]["n_cases_scored"] == frames - 2  # the FP's denominator
    task = data["task"]["type"] if isinstance(data["task"], dict) else data["task"]
    certificate = build_certificate(result)
    # a phrase revised after a release is keyed '<key>@after-<release>' (catalogue.reworded)
    keys = [getattr(getattr(b, "text", None), "key", "").partition("@after-")[0]
            for s in certificate.sections for b in s.blocks]
    note = _failed_frame_note(task)
    assert note in keys and "text.failures_worst" not in keys
    en = catalogue("en")[note]
    assert en.startswith(f"Failed {unit}s are counted as detecting nothing")
    assert "Dice" not in en and f"they are not counted among the {unit}s the false " \
        f"positives per {unit} are taken over" in en and f"over the {unit}s scored" in en
    assert "still count" not in en
    ko = catalogue("ko")[note]
    assert "Dice" not in ko and "분모에 넣지 않았" in ko and "그대로 들어가" not in ko
    cells = [c for s in certificate.sections for b in s.blocks if isinstance(b, Table)
             for row in b.rows for c in row]
    assert f"text.policy_worst-case_{task}" in {base_key(c.key) for c in cells
                                                if isinstance(c, Msg)}
    assert catalogue("en")[f"text.policy_worst-case_{task}"] == (
        f"worst case (a failed {unit} detected nothing)")


def test_a_result_that_counted_the_failed_recordings_time_is_said_so(tmp_path: Path) -> None:
    # A result of the eeg-events example made before 9379cf3 counted the failed E-05 and
    # E-06's 200 s in the false alarms per 24 h: 1 false alarm (E-02's, timescoring) over
    # the 600 s of the six recordings, 144 per 24 h, its events table's hours 600 s.
    # Rendered by this medeval, its certificate said 'their recording time is not
    # counted in the false alarms per 24 h' and 'Recording time of the recordings scored
    # (h)' beside 0.17 h: both false of that result (found reviewing 9379cf3). Such a
    # result is made here from today's by its two figures, worked out from the
    # example's references (json) and timescoring, as 6e7f9c1's test asserted them.
    import json
    import shutil
    from dataclasses import replace

    from timescoring import scoring
    from timescoring.annotations import Annotation

    import medeval

    example = Path(__file__).resolve().parents[2] / "examples" / "eeg-events"
    folder = tmp_path / "eeg"
    shutil.copytree(example, folder, ignore=shutil.ignore_patterns("result"))
    fp, seconds = 0, 0.0
    for case in [f"E-0{k}" for k in range(1, 7)]:
        reference = json.loads((folder / "references" / f"{case}.json").read_text())
        n = round(reference["duration_s"] * 10)
        path = folder / "predictions" / f"{case}.json"
        events = json.loads(path.read_text())["events"] if path.is_file() else None
        events = events if isinstance(events, list) else []  # E-05, E-06 failed
        fp += scoring.EventScoring(Annotation([tuple(e) for e in reference["events"]], 10, n),
                                   Annotation([tuple(e) for e in events], 10, n)).fp
        seconds += reference["duration_s"]
    assert (fp, seconds) == (1, 600.0)
    today = medeval.evaluate(folder / "protocol.toml", folder / "predictions")

    def keys(result):
        certificate = build_certificate(result)
        found = [getattr(getattr(b, "text", None), "key", "") for s in certificate.sections
                 for b in s.blocks]
        found += [cell.key for table in _tables(certificate) for row in table.rows
                  for cell in row if isinstance(cell, Msg)]
        return [base_key(key) for key in found]  # a revised phrase's key: its base

    assert "text.failures_worst_eeg-events" in keys(today)
    assert "text.events_hours" in keys(today)
    metrics = tuple(replace(m, estimate=replace(m.estimate, value=fp / seconds * 86400))
                    if m.name == "fp_per_24h" else m for m in today.metrics)
    tables = dict(today.tables)
    tables["events"] = {**tables["events"], "hours": seconds / 3600}
    earlier = replace(today, metrics=metrics, tables=tables)
    assert earlier.metric("fp_per_24h").estimate.value == pytest.approx(144.0)
    found = keys(earlier)
    assert "text.failures_worst_eeg-events_time_counted" in found
    assert "text.failures_worst_eeg-events" not in found
    assert "text.events_hours_all" in found and "text.events_hours" not in found
    assert "still counts in the false alarms per 24 h" in catalogue("en")[
        "text.failures_worst_eeg-events_time_counted"]


@pytest.mark.parametrize("example, unit", [("polyp-detection", "frames"),
                                           ("detection", "cases")])
def test_a_detection_result_that_counted_the_failed_frames_is_said_so(
        tmp_path: Path, example: str, unit: str) -> None:
    # A detection result made before the FROC's false positives per frame were taken
    # over the frames scored counted its failed frames in that denominator, and its
    # tables.froc has no n_cases_scored. Rendered again by this medeval (medeval report,
    # registry amend --render), its certificate would say the failed frames are not
    # counted: false of that result. Such a result is today's without that key (its
    # other figures do not enter the note).
    import shutil
    from dataclasses import replace

    import medeval

    folder = shutil.copytree(Path(__file__).resolve().parents[2] / "examples" / example,
                             tmp_path / example, ignore=shutil.ignore_patterns("result*"))
    today = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    task = today.task

    def keys(result):
        # a phrase revised after a release: '<key>@after-<release>' (catalogue.reworded)
        return [getattr(getattr(b, "text", None), "key", "").partition("@after-")[0]
                for s in build_certificate(result).sections for b in s.blocks]

    assert _failed_frame_note(task) in keys(today)
    froc = {k: v for k, v in today.tables["froc"].items() if k != "n_cases_scored"}
    earlier = replace(today, tables={**today.tables, "froc": froc})
    found = keys(earlier)
    assert f"text.failures_worst_{task}_{unit}_counted" in found
    assert _failed_frame_note(task) not in found
    en = catalogue("en")[f"text.failures_worst_{task}_{unit}_counted"]
    assert "they still count among" in en and "made so, by an earlier medeval" in en
    assert "이전 버전의 medeval" in catalogue("ko")[f"text.failures_worst_{task}_{unit}_counted"]


def test_events_never_split_are_said_so_under_the_definitions(tmp_path: Path) -> None:
    # An atrial-fibrillation episode detector scored as eeg-events with SzCORE's
    # splitting off (max_event_duration_s = inf, as medeval.metrics.event_scoring takes
    # it: 'math.inf never splits') and no widening or merging. The result's JSON holds
    # the parameter as the text "Infinity", and rendering stopped with "ValueError:
    # Unknown format code 'g' for object of type 'str'" (the note formatted it with :g).
    # By hand: episodes 300-500 s and 800-900 s detected at 310-490 s and 805-895 s of a
    # 1200-s recording, with 0 tolerance: both overlap, 2 TP and no false alarm.
    import json
    import math

    import medeval
    from medeval.result import write_result

    (tmp_path / "r.edf").write_text("x")
    (tmp_path / "r.json").write_text(json.dumps({"duration_s": 1200,
                                                  "events": [[300, 500], [800, 900]]}))
    (tmp_path / "manifest.csv").write_text("case_id,patient_id,input,reference\n"
                                           "r,p1,r.edf,r.json\n")
    example = Path(__file__).resolve().parents[2] / "examples" / "eeg-events" / "protocol.toml"
    (tmp_path / "protocol.toml").write_text(example.read_text().replace(
        'type = "eeg-events"', 'type = "eeg-events"\ntolerance_start_s = 0\n'
        'tolerance_end_s = 0\nmin_gap_s = 0\nmax_event_duration_s = inf'))
    (tmp_path / "pred").mkdir()
    (tmp_path / "pred" / "r.json").write_text(json.dumps({"events": [[310, 490], [805, 895]]}))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    assert json.loads(result.to_json())["tables"]["events"]["tp"] == 2
    assert result.metric("fp_per_24h").estimate.value == 0
    stored = write_result(result, tmp_path / "out" / "result.json")
    assert json.loads(stored.read_text())["parameters"]["task"]["max_event_duration_s"] == (
        "Infinity")
    for made in (read_result(stored), result):
        assert math.isinf(float(made.parameters.task["max_event_duration_s"]))
        notes = [b.text for s in build_certificate(made).sections for b in s.blocks
                 if base_key(getattr(getattr(b, "text", None), "key", "")) == (
                     "text.non_standard_szcore")]
        assert len(notes) == 1 and dict(notes[0].params) == {
            "before": "0", "after": "0", "overlap": "0", "gap": "0", "longest": "∞"}
