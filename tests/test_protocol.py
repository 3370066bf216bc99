"""Protocols: validation that reports every problem, the shipped JSON Schema."""

from __future__ import annotations

import csv
import datetime
import json
import shutil
import sys
import unicodedata
from importlib import resources
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

from medeval.evaluation import evaluate
from medeval.protocol import (
    Protocol,
    ProtocolError,
    load_protocol,
    protocol_schema,
    validate_protocol,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

VALID = """
[test]
id = "KTL-2026-0001"
title = "Performance test of a breast-mass classifier"
mode = "certificate"

[laboratory]
name = "Korea Testing Laboratory"
address = "Jinju, Republic of Korea"

[customer]
name = "Example Medical AI Co."

[algorithm]
name = "MassNet"
version = "2.1.0"
manufacturer = "Example Medical AI Co."
plugin = "massnet.plugin:Algorithm"

[dataset]
manifest = "manifest.csv"
selection = "consecutive cases 2024-01..2024-06 from three hospitals"

[task]
type = "binary-classification"
threshold = 0.5

[statistics]
confidence = 0.95
seed = 20261127

[subgroups]
columns = ["site"]

[[criteria]]
metric = "sensitivity"
goal = 0.85
source = "MFDS guidance on AI medical devices, predicate device performance"

[[criteria]]
metric = "specificity"
goal = 0.80
rule = "point"
source = "customer's claim"
"""


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "manifest.csv").write_text("case_id,patient_id,input,reference,site\n")
    return tmp_path


def write(folder, text):
    path = folder / "protocol.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_protocol_loads_with_defaults(folder):
    path = write(folder, VALID)
    protocol = load_protocol(path)
    assert isinstance(protocol, Protocol)
    assert protocol.task.type == "binary-classification" and protocol.task.threshold == 0.5
    assert protocol.statistics.proportion_method == "wilson"  # the default, stated
    assert protocol.criteria[0].rule == "guarded" and protocol.criteria[1].rule == "point"
    assert protocol.failures.policy == "worst-case"
    assert protocol.manifest_path() == folder.resolve() / "manifest.csv"
    import hashlib

    assert protocol.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_three_problems_reported_at_once(tmp_path):
    # The acceptance case: an unknown key, a goal outside the metric's range and a
    # missing manifest — all three in one error, each with its key path.
    text = VALID.replace('mode = "certificate"', 'mode = "certificate"\nowner = "me"')
    text = text.replace("goal = 0.85", "goal = 85")
    with pytest.raises(ProtocolError) as info:
        load_protocol(write(tmp_path, text))
    problems = info.value.problems
    assert len(problems) == 3, problems
    assert any(p.startswith("test.owner: unknown key") for p in problems)
    assert any(p.startswith("criteria.0.goal: 85 is outside the range of sensitivity")
               for p in problems)
    assert any(p.startswith("dataset.manifest: no such file") for p in problems)
    assert "3 problem(s)" in str(info.value)


def test_criterion_needs_a_direction(folder):
    # Prevalence describes the held-out set: neither a higher nor a lower value is
    # better, so "prevalence >= 0.3" cannot be an acceptance criterion (the goal 0.3 is
    # inside its range [0, 1], so only the direction can refuse it).
    text = VALID.replace('metric = "sensitivity"', 'metric = "prevalence"', 1)
    text = text.replace("goal = 0.85", "goal = 0.3")
    with pytest.raises(ProtocolError) as info:
        load_protocol(write(folder, text))
    assert info.value.problems == (
        "criteria.0.metric: 'prevalence' has no better direction (Prevalence describes, "
        "it does not rank); a criterion needs a metric where higher or lower is better",
    )


def test_averaged_ratios_are_higher_is_better(folder):
    # Macro F1 over classes: higher is better, like the F1 of each class it averages.
    text = VALID.replace('type = "binary-classification"\nthreshold = 0.5',
                         'type = "multiclass-classification"\nlabels = ["a", "b", "c"]')
    text = text.replace('metric = "sensitivity"', 'metric = "f1@macro"', 1)
    text = text.replace('metric = "specificity"', 'metric = "cohen_kappa"', 1)
    protocol = load_protocol(write(folder, text))
    assert [c.metric for c in protocol.criteria] == ["f1@macro", "cohen_kappa"]


def test_a_dotted_key_pasted_inside_its_own_table_is_explained(tmp_path):
    # `medeval manifest fingerprint` prints `dataset.fingerprint = "sha256:..."`; pasted
    # under [dataset], TOML (tomllib below) nests it as dataset.dataset.fingerprint, and
    # the message said only "unknown key (check its spelling)". Found in the docs pass.
    line = 'dataset.fingerprint = "sha256:' + "0" * 64 + '"'
    text = VALID.replace('manifest = "manifest.csv"', 'manifest = "manifest.csv"\n' + line)
    assert "fingerprint" in tomllib.loads(text)["dataset"]["dataset"]
    with pytest.raises(ProtocolError) as info:
        load_protocol(write(tmp_path, text))
    assert ("dataset.dataset: unknown key: a dotted key dataset.fingerprint = ... written "
            "inside the [dataset] table, where TOML reads it as dataset.dataset.fingerprint; "
            "write fingerprint = ... there") in info.value.problems


def test_a_misspelt_key_is_offered_the_key_it_most_likely_meant(folder):
    # "unknown key (check its spelling)" left the newcomer to find the spelling in the
    # schema; the keys named here are those the protocol's tables hold (written by hand:
    # [failures], [statistics] seed, the segmentation task's nsd_tolerance_mm). A key
    # close to none (colour) is offered nothing.
    text = (VALID.replace('type = "binary-classification"\nthreshold = 0.5',
                          'type = "segmentation"\nnsd_tolerence_mm = 1.0')
            .replace('metric = "sensitivity"', 'metric = "dice"', 1)
            .replace('metric = "specificity"', 'metric = "jaccard"', 1)
            .replace("[subgroups]", '[failure]\npolicy = "worst-case"\n\n[subgroups]')
            .replace("seed =", "sed =")
            .replace("[statistics]", "[statistics]\ncolour = 1"))
    with pytest.raises(ProtocolError) as info:
        load_protocol(write(folder, text))
    unknown = sorted(p for p in info.value.problems if "unknown key" in p)
    spelling = "check its spelling; see `medeval protocol schema`)"
    assert unknown == [
        f"failure: unknown key (did you mean 'failures'? {spelling}",
        f"statistics.colour: unknown key ({spelling}",
        f"statistics.sed: unknown key (did you mean 'seed'? {spelling}",
        f"task.nsd_tolerence_mm: unknown key (did you mean 'nsd_tolerance_mm'? {spelling}",
    ]


def test_task_specific_problems(folder):
    text = VALID.replace('type = "binary-classification"\nthreshold = 0.5',
                         'type = "segmentation"\nnsd_tolerance_mm = -1\nthreshold = 0.5')
    with pytest.raises(ProtocolError) as info:
        load_protocol(write(folder, text))
    problems = info.value.problems
    assert any(p.startswith("task.nsd_tolerance_mm:") for p in problems)
    assert any(p.startswith("task.threshold: unknown key") for p in problems)
    assert any("'sensitivity' is not reported by task 'segmentation'" in p for p in problems)


def test_missing_sections_and_bad_values():
    with pytest.raises(ProtocolError) as info:
        validate_protocol({"test": {"id": "T", "title": "t", "mode": "final"},
                           "statistics": {"confidence": 1.5}})
    problems = info.value.problems
    assert "test.mode: Input should be 'certificate' or 'pre-check' (got 'final')" in problems
    assert any(p.startswith("statistics.confidence:") for p in problems)
    assert any(p.startswith("statistics.seed: required key is missing") for p in problems)
    for section in ("laboratory", "customer", "algorithm", "dataset", "task", "criteria"):
        assert f"{section}: required key is missing" in problems


def test_plugin_and_command_are_exclusive(folder):
    text = VALID.replace('plugin = "massnet.plugin:Algorithm"',
                         'plugin = "a:B"\ncommand = "run.sh"')
    with pytest.raises(ProtocolError, match="either plugin or command"):
        load_protocol(write(folder, text))


def test_not_toml_and_missing_file(tmp_path):
    with pytest.raises(ProtocolError, match="not valid TOML"):
        load_protocol(write(tmp_path, "[test\n"))
    with pytest.raises(ProtocolError, match="cannot be read"):
        load_protocol(tmp_path / "nope.toml")


def test_a_folder_or_the_manifest_given_as_the_protocol_is_named_so(tmp_path):
    # A newcomer's first slips: the example's folder, or its manifest, where the
    # protocol belongs. Read as TOML, the manifest's header line gave "Expected '=' after
    # a key", and a folder "cannot be read: Is a directory", neither saying what to give.
    example = tmp_path / "segmentation"
    shutil.copytree(EXAMPLES / "segmentation", example)
    with pytest.raises(ProtocolError) as folder:
        load_protocol(example)
    assert str(folder.value) == (f"protocol {example}: is a folder; give the protocol's TOML "
                                 f"file ({example / 'protocol.toml'} in it?)")
    with pytest.raises(ProtocolError, match=r"is a folder; give the protocol's TOML file$"):
        load_protocol(example / "predictions")  # no TOML file in it: nothing to point to
    with pytest.raises(ProtocolError, match=r"manifest.csv: a CSV file \(the manifest\?\), "
                       r"not a protocol TOML; give the protocol's TOML file, whose \[dataset\] "
                       "manifest names the manifest"):
        load_protocol(example / "manifest.csv")


def test_a_protocol_saved_by_a_windows_editor(folder):
    # Notepad's "UTF-8 with BOM" and CRLF: the same protocol; its SHA-256 stays that of
    # the bytes on disk (hashlib below, not medeval)
    import hashlib

    raw = b"\xef\xbb\xbf" + VALID.replace("\n", "\r\n").encode("utf-8")
    path = folder / "protocol.toml"
    path.write_bytes(raw)
    protocol = load_protocol(path)
    assert protocol.test.id == load_protocol(write(folder, VALID)).test.id
    path.write_bytes(raw)
    assert load_protocol(path).sha256 == hashlib.sha256(raw).hexdigest()
    # CP949 (Korean Windows' ANSI code page): the line and byte where UTF-8 stops,
    # counted by hand: "[test]\n" is 7 bytes (offsets 0-6), 'id = "' 6 more: line 2's
    # 7th byte, file offset 13 (a reader of 'byte 13' looked at line 2's 13th byte)
    # after a byte-order mark (as Notepad writes UTF-8): the same line and byte of the
    # line, the file offset 3 more (the reviewer found it 3 short)
    path.write_bytes(b"\xef\xbb\xbf" + '[test]\nid = "갑상선"\n'.encode("cp949"))
    with pytest.raises(ProtocolError, match=r"not UTF-8 text \(line 2, byte 7 of the line, "
                       r"file offset 16\)"):
        load_protocol(path)
    path.write_bytes('[test]\nid = "갑상선"\n'.encode("cp949"))
    with pytest.raises(ProtocolError, match=r"protocol\.toml: not UTF-8 text \(line 2, "
                       r"byte 7 of the line, file offset 13\); .*CP949 .*save the file as UTF-8"):
        load_protocol(path)
    path.write_bytes(VALID.encode("utf-16"))  # Notepad's "Unicode"
    with pytest.raises(ProtocolError, match="protocol.toml: saved as UTF-16 .*as UTF-8"):
        load_protocol(path)


@pytest.mark.parametrize(("old", "new", "hint"), [
    # percentages where a fraction is meant, each hint's fraction by hand (90 / 100 ...)
    ("goal = 0.85", 'goal = "90%"', r"criteria\.0\.goal: .*'90%'\); write a percentage "
     r"as a fraction: 0\.9, not '90%'"),
    ("goal = 0.85", "goal = 90", r"criteria\.0\.goal: 90 is outside the range of "
     r"sensitivity \[0, 1\] \(a ratio\); write a percentage as a fraction: 0\.9, not 90"),
    ("confidence = 0.95", "confidence = 95", r"statistics\.confidence: Input "
     r"should be less than 1 \(got 95\); write a percentage as a fraction: 0\.95, not 95"),
    ("confidence = 0.95", 'confidence = "95%"',
     r"statistics\.confidence: .*; write a percentage as a fraction: 0\.95, not '95%'"),
])
def test_a_percentage_for_a_fraction_says_what_to_write(folder, old, new, hint):
    assert old in VALID
    with pytest.raises(ProtocolError, match=hint):
        load_protocol(write(folder, VALID.replace(old, new, 1)))


def test_no_percentage_hint_for_a_slip_no_percentage_could_mean(folder):
    # Found in the planning-pass: a sensitivity goal typed 1.85 (for 0.85) was told to
    # "write a percentage as a fraction: 0.0185", and a confidence of 1.5 "0.015": a
    # goal of 1.85 % for a higher-is-better ratio, or a 1.5 % confidence level, is no
    # value anyone means. The range is still named; a brier_score goal of 5 (lower is
    # better: 5 % is a plausible goal) keeps its hint, 5 / 100 = 0.05 by hand
    for old, new, problem in [
            ("goal = 0.85", "goal = 1.85", "criteria.0.goal: 1.85 is outside the range of "
             "sensitivity [0, 1] (a ratio)"),
            ("confidence = 0.95", "confidence = 1.5",
             "statistics.confidence: Input should be less than 1 (got 1.5)")]:
        assert old in VALID
        with pytest.raises(ProtocolError) as caught:
            load_protocol(write(folder, VALID.replace(old, new, 1)))
        assert problem in caught.value.problems
    text = VALID.replace('metric = "sensitivity"\ngoal = 0.85',
                         'metric = "brier_score"\ngoal = 5', 1)
    assert text != VALID
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, text))
    assert "criteria.0.goal: 5 is outside the range of brier_score [0, 1] (a ratio); " \
        "write a percentage as a fraction: 0.05, not 5" in caught.value.problems


@pytest.mark.parametrize("goal", ["inf", "-inf", "nan"])
def test_a_goal_that_is_no_finite_number_is_refused(folder, goal):
    # Found by an exploratory tester: hd95's range is [0, inf], so 'goal = inf' passed
    # the check and 'evaluate' printed 'PASS ... 95% CI upper bound 75.09 <= goal inf', a
    # criterion no figure can fail. TOML's inf and nan are numbers Python reads as floats.
    assert "goal = 0.85" in VALID
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, VALID.replace("goal = 0.85", f"goal = {goal}", 1)))
    why = ("no figure compares with it" if goal == "nan"
           else "every sensitivity lies on one side of it")
    assert (f"criteria.0.goal: {goal} is no goal: a criterion is judged against a finite "
            f"number ({why})" in caught.value.problems)


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("goal = 0.85", 'goal = "0.85"', "criteria.0.goal: '0.85' is text, not a number: "
     "write goal = 0.85"),
    ("threshold = 0.5", 'threshold = " 0.5"', "task.threshold: ' 0.5' is text, not a "
     "number: write threshold = 0.5"),
    ("seed = 20261127", 'seed = "20261127"', "statistics.seed: '20261127' is text, not a "
     "number: write seed = 20261127"),
    ("confidence = 0.95", 'confidence = "9.5e-1"', "statistics.confidence: '9.5e-1' is "
     "text, not a number: write confidence = 0.95"),
    ('seed = 20261127', 'seed = 20261127\nn_resamples = "2_000"', "statistics."
     "n_resamples: '2_000' is text, not a number: write n_resamples = 2000"),
    ("goal = 0.85", 'goal = "NaN"', "criteria.0.goal: 'NaN' is text, not a number: write "
     "goal = nan"),  # TOML's nan (then refused as no goal, below)
    ("[subgroups]", '[runner]\nmemory_mb = "512"\n\n[subgroups]', "runner.memory_mb: "
     "'512' is text, not a number: write memory_mb = 512"),
    ('threshold = 0.5', 'threshold = 0.5\ncalibration_bins = "10"', "task.calibration_bins:"
     " '10' is text, not a number: write calibration_bins = 10"),
])
def test_a_number_written_as_text_is_refused_as_the_schema_refuses_it(folder, old, new,
                                                                     problem):
    # Found by an exploratory tester: goal = "0.8" passed 'protocol check' (pydantic's lax
    # mode reads the text as 0.8) while the protocol's own JSON Schema, which jsonschema
    # applies below, refuses it: a protocol fixed in advance was valid to medeval alone
    assert old in VALID
    text = VALID.replace(old, new, 1)
    schema = protocol_schema()
    assert jsonschema.Draft202012Validator(schema).is_valid(tomllib.loads(VALID))
    assert not jsonschema.Draft202012Validator(schema).is_valid(tomllib.loads(text))
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, text))
    assert [p for p in caught.value.problems if p.startswith(problem)] == [
        problem + " (TOML writes numbers, true and false without quotes)"]
    # the advice followed is TOML (tomllib reads it) and the number the text spells
    import math

    key, _, rest = problem.rpartition("write ")[2].partition(" = ")
    written, text = tomllib.loads(f"{key} = {rest}")[key], problem.split("'")[1]
    assert isinstance(written, (int, float)) and not isinstance(written, bool)
    assert math.isnan(written) if text == "NaN" else written == float(text)


@pytest.mark.parametrize(("old", "new", "told"), [
    ("seed = 20261127", 'seed = "5e2"', "statistics.seed: Input should be a valid integer"),
    ("seed = 20261127", 'seed = "\u0667"', "statistics.seed: Input should be a valid "
     "integer")])
def test_text_pydantic_refuses_is_told_once(folder, old, new, told):
    # '5e2' is no integer to pydantic, nor an Arabic-Indic seven: its own message alone,
    # not also 'write seed = 5e2' (the reviewer found both, and advice TOML refuses)
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, VALID.replace(old, new, 1)))
    (problem,) = [p for p in caught.value.problems if p.startswith("statistics.seed")]
    assert problem.startswith(told) and "is text" not in problem


def test_text_a_key_admits_is_not_taken_for_a_quoted_number(folder):
    # labels are text or integers, and memory_mb takes the text "none": both are what
    # the schema takes as well (jsonschema), so neither is refused as a quoted number
    text = VALID.replace('threshold = 0.5', 'threshold = 0.5\npositive_label = "1"\n'
                         'negative_label = "0"', 1) + '\n[runner]\nmemory_mb = "none"\n'
    jsonschema.validate(tomllib.loads(text), protocol_schema())
    protocol = load_protocol(write(folder, text))
    assert protocol.task.positive_label == "1" and protocol.runner.memory_mb == "none"


def test_a_boolean_written_as_text_is_refused(folder):
    text = VALID.replace('threshold = 0.5', 'threshold = 0.5\nprobabilities = "yes"', 1)
    text = text.replace('type = "binary-classification"', 'type = "multiclass-'
                        'classification"\nlabels = ["a", "b"]').replace("threshold = 0.5\n", "")
    text = text.replace('metric = "sensitivity"', 'metric = "accuracy"').replace(
        'metric = "specificity"', 'metric = "cohen_kappa"')
    schema = jsonschema.Draft202012Validator(protocol_schema())
    assert schema.is_valid(tomllib.loads(text.replace('"yes"', "true")))
    assert not schema.is_valid(tomllib.loads(text))
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, text))
    assert caught.value.problems == (
        "task.probabilities: 'yes' is text, not true/false: write probabilities = true "
        "(TOML writes numbers, true and false without quotes)",)


@pytest.mark.parametrize(("typed", "meant"), [
    ('"binary-clasification"', "binary-classification"),
    ('"Binary classification"', "binary-classification"),
    ('"ecg_beats"', "ecg-beats"), ('"ultrasound"', None), ("3", None), (None, None)])
def test_a_task_type_no_task_has_names_the_types(folder, typed, meant):
    # Found by an exploratory tester: a mistyped type was answered in pydantic's words
    # ("task: Input tag 'binary-clasification' found using 'type' does not match any of
    # the expected tags: ..."). The types are the shipped schema's own discriminator.
    types = sorted(protocol_schema()["properties"]["task"]["discriminator"]["mapping"])
    line = 'type = "binary-classification"\n'
    assert line in VALID
    text = VALID.replace(line, "" if typed is None else f"type = {typed}\n", 1)
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, text))
    (problem,) = [p for p in caught.value.problems if p.startswith("task")]
    assert "Input tag" not in problem and "discriminator" not in problem
    listed = problem.rsplit(": ", 1)[1]
    assert sorted(listed.split(", ")) == types
    if typed is None:
        assert problem.startswith("task.type: required key is missing; the task types: ")
    else:
        named = tomllib.loads(f"type = {typed}")["type"]
        hint = f" (did you mean {meant!r}?)" if meant else ""
        assert problem.startswith(f"task.type: {named!r} is no task type{hint}; ")


def test_tables_written_with_the_wrong_brackets_say_which_to_write(folder):
    # TOML's [x] is one table, [[x]] one table of an array: the protocol's [task] is one,
    # each criterion a table of [[criteria]]. tomllib shows what each slip parses to;
    # before, the answers were pydantic's ('Input should be a valid dictionary or object
    # to extract fields from', 'Input should be a valid list') and tomllib's alone.
    task = VALID.replace("[task]", "[[task]]", 1)
    assert isinstance(tomllib.loads(task)["task"], list)
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, task))
    assert caught.value.problems == (
        "task: written as [[task]], an array of tables; it is one table, [task]",)
    one = VALID[:VALID.rindex("[[criteria]]")].replace("[[criteria]]", "[criteria]")
    assert isinstance(tomllib.loads(one)["criteria"], dict)
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, one))
    assert caught.value.problems == (
        "criteria: written as [criteria], one table; each criterion is a table of the array "
        "[[criteria]], with two brackets",)
    two = VALID.replace("[[criteria]]", "[criteria]")
    with pytest.raises(tomllib.TOMLDecodeError, match=r"Cannot declare \('criteria',\)"):
        tomllib.loads(two)
    with pytest.raises(ProtocolError, match=r"not valid TOML: Cannot declare .*; "
                       r"\[criteria\] is declared once: where several are meant, each is "
                       r"\[\[criteria\]\], with two brackets$"):
        load_protocol(write(folder, two))
    column = VALID.replace('columns = ["site"]', 'columns = "site"', 1)
    assert tomllib.loads(column)["subgroups"]["columns"] == "site"
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, column))
    assert caught.value.problems == (
        'subgroups.columns: a list is written in brackets: columns = ["site"]',)
    # the reviewer's: [[statistics]], [task] twice, two columns in one text, and fp_rates
    # as text; each advice followed is what tomllib reads as the section or the list meant
    statistics = VALID.replace("[statistics]", "[[statistics]]", 1)
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, statistics))
    assert caught.value.problems == ("statistics: written as [[statistics]], an array of "
                                     "tables; it is one table, [statistics]",)
    twice = VALID.replace("[task]", "[task]\n[task]", 1)
    with pytest.raises(ProtocolError, match=r"Cannot declare .*; \[task\] is one table: "
                       r"write its keys under one \[task\]$"):
        load_protocol(write(folder, twice))
    both = VALID.replace('columns = ["site"]', 'columns = "site, sex"', 1)
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, both))
    (advice,) = caught.value.problems
    assert tomllib.loads(advice.rpartition(": ")[2])["columns"] == ["site", "sex"]
    rates = VALID.replace("threshold = 0.5", "threshold = 0.5", 1).replace(
        'type = "binary-classification"\nthreshold = 0.5',
        'type = "detection"\nfp_rates = "0.5, 1"', 1)
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, rates))
    (advice,) = [p for p in caught.value.problems if p.startswith("task.fp_rates")]
    assert tomllib.loads(advice.rpartition(": ")[2])["fp_rates"] == [0.5, 1]


def test_no_percentage_hint_where_none_applies(folder):
    # n_resamples = 50 is under its minimum of 100: no fraction is meant
    text = VALID.replace("seed = 20261127", "seed = 20261127\nn_resamples = 50")
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, text))
    assert caught.value.problems == (
        "statistics.n_resamples: Input should be greater than or equal to 100 (got 50)",)


@pytest.mark.parametrize(("typed", "meant"), [
    ("sensitivty", "sensitivity"), ("Sensitivity", "sensitivity"), ("auc", "roc_auc"),
    ("specificty", "specificity")])
def test_a_misspelt_metric_names_the_one_meant(folder, typed, meant):
    text = VALID.replace('metric = "sensitivity"', f'metric = "{typed}"', 1)
    with pytest.raises(ProtocolError, match=rf"criteria\.0\.metric: '{typed}' is not "
                       rf"reported by task 'binary-classification' \(did you mean "
                       rf"'{meant}'\?\); choose one of"):
        load_protocol(write(folder, text))


@pytest.mark.parametrize(("task", "typed", "meant", "why"), [
    ("ecg-beats", "veb_precision", "veb_ppv", "the task names precision ppv"),
    ("ecg-beats", "qrs_recall", "qrs_sensitivity", "the task names recall sensitivity"),
    ("ecg-beats", "veb_specificity", "veb_fpr", "the task reports the false positive rate"),
    ("binary-classification", "precision", "ppv", "the task names precision ppv"),
    ("eeg-events", "ppv", "precision", "the task names the PPV precision")])
def test_a_figure_under_another_of_its_names_is_given_the_tasks_name(
        folder, task, typed, meant, why):
    # Precision is the positive predictive value (EC57's +P, Se and +P: ANSI/AAMI
    # EC57:2012 3.5), recall is sensitivity, and EC57's VEB FPR is 1 - specificity. The
    # hint was the nearest spelling: veb_precision 'veb_fpr', veb_specificity
    # 'veb_sensitivity', precision 'average_precision', qrs_recall and ppv (eeg-events)
    # nothing.
    text = VALID if task == "binary-classification" else (
        EXAMPLES / task / "protocol.toml").read_text()
    first = next(line for line in text.splitlines() if line.startswith("metric = "))
    text = text.replace(first, f'metric = "{typed}"', 1)
    with pytest.raises(ProtocolError, match=rf"criteria\.0\.metric: '{typed}' is not "
                       rf"reported by task '{task}' \(did you mean '{meant}'\? {why}"):
        load_protocol(write(folder, text))


def test_shipped_schema_is_current():
    shipped = json.loads(
        (resources.files("medeval") / "schemas" / "protocol.schema.json").read_text("utf-8"))
    assert shipped == protocol_schema(), "run medeval.protocol.write_schema to refresh it"


def test_schema_validates_independently():
    # jsonschema (not pydantic) accepts the valid protocol and rejects an unknown key.
    data = tomllib.loads(VALID)
    schema = protocol_schema()
    jsonschema.validate(data, schema)
    data["test"]["owner"] = "me"
    with pytest.raises(jsonschema.ValidationError, match="owner"):
        jsonschema.validate(data, schema)


def test_a_certified_run_needs_the_registered_sets_fingerprint(tmp_path, capsys):
    # Without dataset.fingerprint any set the manifest names would do: refused before
    # anything runs, by evaluate() and by `protocol check`, naming the command that prints it.
    import medeval
    from medeval.cli import main

    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "manifest.csv").write_text("case_id,patient_id,input,reference,site\n")
    path = write(folder, VALID)
    assert 'mode = "certificate"' in VALID and "fingerprint" not in VALID
    with pytest.raises(ProtocolError, match="dataset.fingerprint: required in certificate"):
        medeval.evaluate(path, folder)
    assert main(["protocol", "check", str(path)]) == 2
    assert "medeval manifest fingerprint" in capsys.readouterr().err
    # a pre-check may run on any set
    precheck = write(folder, VALID.replace('mode = "certificate"', 'mode = "pre-check"'))
    assert main(["protocol", "check", str(precheck)]) == 0


class TestSubgroupColumns:
    """A subgroup column the manifest lacks would make one subgroup of every case with an
    empty value: the declared analysis silently not done. It is a protocol problem."""

    @pytest.fixture()
    def example(self, tmp_path):
        folder = tmp_path / "binary"
        shutil.copytree(EXAMPLES / "binary-classification", folder)
        return folder

    def _with_columns(self, folder, columns):
        text = (folder / "protocol.toml").read_text(encoding="utf-8")
        path = folder / "p.toml"
        path.write_text(text.replace('columns = ["site"]', f"columns = {json.dumps(columns)}"),
                        encoding="utf-8")
        return path

    @pytest.mark.parametrize("column", ["sites", "patient_id", "reference", "input"])
    def test_a_column_that_is_not_metadata_is_refused(self, example, column):
        path = self._with_columns(example, ["site", column])
        with pytest.raises(ProtocolError) as raised:
            load_protocol(path)
        assert raised.value.problems == (
            f"subgroups.columns: {column!r} is not a metadata column of the manifest "
            "manifest.csv (its metadata columns: site)",)
        with pytest.raises(ProtocolError, match="not a metadata column"):
            evaluate(path, predictions=example / "predictions")

    def test_a_column_in_other_letter_case_or_with_spaces_is_named(self, example):
        # Found in the hsub exploratory pass: a manifest headed 'Device' and ' sex' (typed
        # after a comma), a protocol naming device and sex: both refused with the list of
        # metadata columns only, where ' sex' shows as a second space after the comma.
        # The header is written by the csv module, the expected hints by hand.
        manifest = example / "manifest.csv"
        with manifest.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        rows[0] += ["Device", " sex"]
        for row in rows[1:]:
            row += ["Olympus", "F"]
        with manifest.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
        with pytest.raises(ProtocolError) as raised:
            load_protocol(self._with_columns(example, ["site", "device", "sex", "sites"]))
        listed = "(its metadata columns: site, Device,  sex)"
        assert raised.value.problems == (
            f"subgroups.columns: 'device' is not a metadata column of the manifest "
            f"manifest.csv {listed}; the manifest's 'Device' is this name in other letter "
            "case (column names are compared as written): write it in the protocol as the "
            "manifest does",
            f"subgroups.columns: 'sex' is not a metadata column of the manifest "
            f"manifest.csv {listed}; the manifest's ' sex' is this name with spaces around "
            "it (column names are compared as written): remove them from the manifest's "
            "header, or write the name in the protocol as the manifest does",
            # no name alike: no hint ('site' is not 'sites' in any form)
            f"subgroups.columns: 'sites' is not a metadata column of the manifest "
            f"manifest.csv {listed}")

    def test_the_declared_column_gives_its_groups(self, example):
        result = evaluate(self._with_columns(example, ["site"]),
                          predictions=example / "predictions")
        # the groups and their sizes are the manifest's, as pandas counts them
        counts = pd.read_csv(example / "manifest.csv", dtype=str)["site"].value_counts()
        assert {g.value: g.n_cases for g in result.subgroups} == counts.to_dict()

    def test_a_planned_set_without_manifest_is_not_checked(self, example):
        path = self._with_columns(example, ["sites"])
        (example / "manifest.csv").unlink()
        assert load_protocol(path, check_manifest=False).subgroups.columns == ["sites"]


_NO_SUBGROUP = ("there is no criterion on a subgroup: a criterion is judged on all the "
                "cases analysed, and the [subgroups] columns' figures are reported by value, "
                "not judged; to judge a subgroup, write a protocol for a manifest of its cases")


@pytest.mark.parametrize(("written", "problem"), [
    ('metric = "sensitivity"\nsubgroup = "site=B"',
     f"criteria.0.subgroup: unknown key: {_NO_SUBGROUP}"),
    ('metric = "sensitivity@site=B"',
     "criteria.0.metric: 'sensitivity@site=B' is not reported by task "
     f"'binary-classification' (sensitivity is, but {_NO_SUBGROUP}); choose one of "
     "prevalence, sensitivity, specificity, ppv, npv, accuracy, balanced_accuracy, "
     "youden_j, f1, lr_positive, lr_negative, roc_auc, average_precision, brier_score, ece"),
])
def test_a_criterion_on_a_subgroup_says_there_is_none(folder, written, problem):
    # Found in the hsub exploratory pass: a tester wrote the protocol's criterion for one
    # site (a [subgroups] column) and was told "unknown key (check its spelling ...)", or
    # "did you mean 'sensitivity'?", with no word that criteria judge all cases only
    text = VALID.replace('metric = "sensitivity"', written, 1)
    assert text != VALID
    with pytest.raises(ProtocolError) as raised:
        load_protocol(write(folder, text))
    assert raised.value.problems == (problem,)
    load_protocol(write(folder, VALID))  # the criterion on all cases: accepted


def test_a_subgroup_column_listed_twice_is_refused(folder):
    # it was analysed twice: two identical subgroup records for one column in the result
    text = VALID.replace('columns = ["site"]', 'columns = ["site", "site"]')
    with pytest.raises(ProtocolError, match=r"subgroups\.columns: 'site' is listed 2 times"):
        load_protocol(write(folder, text))


@pytest.mark.parametrize("test_id", [
    "KTL|1; fingerprint=sha256:" + "0" * 64,  # rewrote the PDF's Keywords record
    "KTL 갑상선 001", "KTL-1\nsecond", "-KTL-1", "K" * 65])
def test_a_test_id_that_is_no_report_number_is_refused(folder, test_id):
    # the certificate's report number unless the report info gives one: the first id's
    # certificate failed its own verification ("the attachment was replaced")
    text = VALID.replace('id = "KTL-2026-0001"', f"id = {json.dumps(test_id)}", 1)
    assert text != VALID
    with pytest.raises(ProtocolError, match=r"test\.id: .*report number: 1 to 64 letters"):
        load_protocol(write(folder, text))


@pytest.mark.parametrize(("test_id", "why"), [
    ("KTL-위암-2026-01", "'위' is not one of them"), ("KTL 1", "' ' is not one of them"),
    ("-KTL-1", "it begins with '-'"), ("K" * 65, "it is 65 characters long")])
def test_a_refused_test_id_says_what_in_it_is_wrong(folder, test_id, why):
    # Found in the planning-pass: a Korean tester's id 'KTL-위암-2026-01' was told "1 to 64
    # letters, digits and '. _ / -'", and Hangul are letters: the message now says which
    # letters and what in the id is not allowed (the first such character by hand)
    text = VALID.replace('id = "KTL-2026-0001"', f"id = {json.dumps(test_id)}", 1)
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, text))
    [problem] = caught.value.problems
    assert "1 to 64 letters (A-Z, a-z), digits and '. _ / -', a letter or digit first " \
        f"(e.g. KTL-2026-0001): {why}; a title in any script goes in test.title" in problem


@pytest.mark.parametrize("labels, named", [
    # NFC and NFD of one word (unicodedata, not medeval): the task compares them in NFC
    ('"G1", "등급", "' + unicodedata.normalize("NFD", "등급") + '"',
     "'등급' (2 times, in two Unicode forms (NFC and NFD))"),
    ('"G1", "G2", "G1"', "'G1' (2 times)"),
    ('1, "1", 2', "'1' (2 times)")])
def test_a_multiclass_label_listed_twice_is_refused(folder, labels, named):
    # before, a class listed twice was kept twice: no case could have the first, so the
    # macro averages were NaN ('sensitivity@macro' of the multi-class example with
    # '등급' listed in NFC and NFD), with nothing said
    text = VALID.replace('type = "binary-classification"\nthreshold = 0.5',
                         f'type = "multiclass-classification"\nlabels = [{labels}]')
    with pytest.raises(ProtocolError) as info:
        load_protocol(write(folder, text))
    assert any(f"labels: each label once; {named} is one label" in p
               for p in info.value.problems), info.value.problems


@pytest.mark.parametrize("task, labels, problem", [
    ('type = "multiclass-classification"', 'labels = ["정상 ", "양성", "악성"]',
     "labels: '정상 ' has spaces around it, and labels are compared without surrounding "
     "spaces (a reference '정상' would be no declared label): write '정상'"),
    ('type = "multilabel-classification"\nthreshold = 0.5', 'labels = ["NORM", " MI"]',
     "labels: ' MI' has spaces around it"),
    ('type = "binary-classification"\nthreshold = 0.5',
     'positive_label = "악성 "\nnegative_label = "양성"',
     "positive_label and negative_label: '악성 ' has spaces around it"),
    ('type = "multiclass-classification"', 'labels = ["", "G2"]',
     "labels: a label is empty or blank")])
def test_a_label_with_spaces_around_it_is_refused(folder, task, labels, problem):
    # Found in the tasks pass: '정상 ' (a space typed after it) passed protocol check, and
    # since references and predictions are read without surrounding spaces, every case of
    # the class was then refused as "reference '정상' is not a declared label ['정상 ', ...]"
    text = VALID.replace('type = "binary-classification"\nthreshold = 0.5',
                         f"{task}\n{labels}")
    with pytest.raises(ProtocolError) as info:
        load_protocol(write(folder, text))
    assert any(problem in p for p in info.value.problems), info.value.problems


@pytest.mark.parametrize("task", [
    'type = "binary-classification"\nthreshold = 0.5',
    'type = "reader-study"\nreadings = "r.csv"\ntest_treatment = "AI"\n'
    'reference_treatment = "none"\ncomparison = "superiority"'])
def test_one_label_as_both_positive_and_negative_is_refused(folder, task):
    # '악성' typed on Windows as positive_label and pasted from macOS as negative_label:
    # every reference would have been positive
    nfd = unicodedata.normalize("NFD", "악성")
    text = VALID.replace('type = "binary-classification"\nthreshold = 0.5',
                         f'{task}\npositive_label = "악성"\nnegative_label = "{nfd}"')
    with pytest.raises(ProtocolError) as info:
        load_protocol(write(folder, text))
    assert any("positive_label and negative_label: each label once; '악성' (2 times, in two"
               in p for p in info.value.problems), info.value.problems


def test_one_treatment_in_two_unicode_forms_is_refused(folder):
    # the readings' treatments are matched to the protocol's in NFC: 'AI 보조' and its NFD
    # form (unicodedata) would both be one treatment, and the study 'without readings'
    nfd = unicodedata.normalize("NFD", "AI 보조")
    text = VALID.replace(
        'type = "binary-classification"\nthreshold = 0.5',
        f'type = "reader-study"\nreadings = "r.csv"\ntest_treatment = "AI 보조"\n'
        f'reference_treatment = "{nfd}"\ncomparison = "superiority"')
    with pytest.raises(ProtocolError) as info:
        load_protocol(write(folder, text))
    assert any("test_treatment and reference_treatment must differ (they are one name in "
               "two Unicode forms, NFC and NFD)" in p for p in info.value.problems)


def test_nan_for_a_bounded_number_is_named_as_nan(folder):
    # Found in the second reader-study pass (hreader3): TOML's nan (tomllib reads it as
    # float('nan')) as a non-inferiority margin or a confidence level was told 'Input
    # should be less than 1 (got nan)', as if it were too large: nan is neither below nor
    # above a bound. A criterion's goal = nan already said 'nan is no goal'.
    import math

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: the backport medeval reads with
        import tomli as tomllib

    assert math.isnan(tomllib.loads("margin = nan")["margin"])
    study = VALID.replace(
        'type = "binary-classification"\nthreshold = 0.5',
        'type = "reader-study"\nreadings = "r.csv"\ntest_treatment = "AI"\n'
        'reference_treatment = "none"\ncomparison = "non-inferiority"\nmargin = nan')
    for text, key in ((study, "task.margin"),
                      (VALID.replace("confidence = 0.95", "confidence = nan", 1),
                       "statistics.confidence")):
        with pytest.raises(ProtocolError) as info:
            load_protocol(write(folder, text))
        assert f"{key}: nan (TOML's not-a-number) is no value here: write a number" in \
            " ".join(info.value.problems), info.value.problems
        assert "less than 1" not in " ".join(info.value.problems)


@pytest.mark.parametrize("categories", [
    '["용종", "{nfd}"]', '{{"용종" = 1, "{nfd}" = 2}}', '["polyp", "polyp"]'])
def test_a_category_named_twice_is_refused(folder, categories):
    # the annotation files' names are compared with these in NFC: '용종' in NFC and NFD
    # (unicodedata) would be one category with the last one's id
    text = VALID.replace(
        'type = "binary-classification"\nthreshold = 0.5',
        'type = "coco-detection"\ncategories = '
        + categories.format(nfd=unicodedata.normalize("NFD", "용종")))
    with pytest.raises(ProtocolError) as info:
        load_protocol(write(folder, text))
    assert any("categories: each name once" in p for p in info.value.problems), \
        info.value.problems


def test_a_subgroup_column_in_another_unicode_form_says_so(folder):
    # the manifest's header written on macOS (NFD, by unicodedata), the protocol typed on
    # Windows (NFC): 'not a metadata column (its metadata columns: 병원)' named two
    # names that print alike and said nothing of why
    nfd = unicodedata.normalize("NFD", "병원")
    (folder / "manifest.csv").write_text(f"case_id,patient_id,input,reference,{nfd}\n",
                                         encoding="utf-8")
    text = VALID.replace('columns = ["site"]', 'columns = ["병원"]')
    with pytest.raises(ProtocolError) as info:
        load_protocol(write(folder, text))
    assert any(f"the manifest's {nfd!r} is this name in another Unicode form" in p
               for p in info.value.problems), info.value.problems


@pytest.mark.parametrize(("key", "value"), [
    ("setup_timeout_s", "inf"), ("setup_timeout_s", "2592001"), ("timeout_s", "1e9"),
    ("output_limit_mb", "inf")])
def test_runner_limits_the_run_would_refuse_are_refused_by_the_protocol(folder, capsys,
                                                                        key, value):
    """[runner] setup_timeout_s = inf (7fa0190 made the key settable) passed
    `medeval protocol check` ('OK'), and `medeval run` then hashed the set and the
    algorithm and stopped with 'Limits: timeout_s and setup_timeout_s must be at most
    2.592e+06 s (30 days), got 60.0 and inf', naming neither the protocol nor its key; so
    did timeout_s = 1e9 and output_limit_mb = inf. The protocol now refuses what the
    runner refuses: 30 days = 30 * 24 * 3600 = 2,592,000 s; 1 TiB = 2**20 MiB."""
    from medeval.cli import main
    from medeval.errors import InvalidInputError
    from medeval.runner.limits import Limits

    path = write(folder, VALID + f"\n[runner]\n{key} = {value}\n")
    with pytest.raises(ProtocolError, match=rf"runner\.{key}: Input should be less than "
                       rf"or equal to {2592000 if 'timeout' in key else 1048576}"):
        load_protocol(path)
    assert main(["protocol", "check", str(path)]) == 2
    assert f"runner.{key}" in capsys.readouterr().err
    # jsonschema, not pydantic, refuses it from the shipped schema too
    with pytest.raises(jsonschema.ValidationError, match=key):
        jsonschema.validate(tomllib.loads(path.read_text()), protocol_schema())
    with pytest.raises(InvalidInputError):  # what the runner itself refuses
        Limits(**{key: float(value)})
    # the largest values the runner takes are taken
    largest = {"setup_timeout_s": 30 * 24 * 3600, "timeout_s": 30 * 24 * 3600,
               "output_limit_mb": 2 ** 20}[key]
    path = write(folder, VALID + f"\n[runner]\n{key} = {largest}\n")
    assert getattr(load_protocol(path).runner, key) == largest
    Limits(**{key: float(largest)})


def test_an_ecg_window_in_milliseconds_is_refused_saying_the_unit(tmp_path):
    # window_s = 150 (EC57's 150 ms typed as milliseconds) validated, and every detection
    # within 150 s of a beat matched it: a QRS sensitivity near 1 for any detector. A
    # window wider than a heartbeat (0.2 s at 300 bpm) is refused above 1 s.
    example = Path(__file__).resolve().parents[1] / "examples" / "ecg-beats"
    shutil.copytree(example, tmp_path / "ecg")
    path = tmp_path / "ecg" / "protocol.toml"
    text = path.read_text(encoding="utf-8")
    assert "window_s" not in text and 'type = "ecg-beats"' in text
    for window in (0.15, 1.0):
        path.write_text(text.replace('type = "ecg-beats"',
                                     f'type = "ecg-beats"\nwindow_s = {window}'), "utf-8")
        assert load_protocol(path).task.window_s == window
    path.write_text(text.replace('type = "ecg-beats"', 'type = "ecg-beats"\nwindow_s = 150'),
                    encoding="utf-8")
    with pytest.raises(ProtocolError) as caught:
        load_protocol(path)
    assert caught.value.problems == (
        "task.window_s: Input should be less than or equal to 1 (got 150); the window is in "
        "seconds: EC57's 150 ms is 0.15",)


def test_a_criterion_repeated_is_refused_naming_the_first(folder):
    # Found in the protocol-writing pass: a criterion copied to write the next one, its
    # metric left unchanged (sensitivity twice, goal 0.85, guarded), was accepted; the
    # specificity meant was never judged and the run reported PASS on sensitivity alone.
    repeated = VALID + ('\n[[criteria]]\nmetric = "sensitivity"\ngoal = 0.850\n'
                        'rule = "guarded"\nsource = "copied"\n')
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, repeated))
    assert caught.value.problems == (
        "criteria.2: the same criterion as criteria.0 (sensitivity goal 0.85, guarded "
        "rule), which judges nothing more; a copied criterion whose metric was left "
        "unchanged? write the metric it is meant for, or delete it",)
    # another goal on the same metric (the highest decides) or the other rule is allowed
    for other in ('goal = 0.9\nrule = "guarded"', 'goal = 0.85\nrule = "point"'):
        text = VALID + f'\n[[criteria]]\nmetric = "sensitivity"\n{other}\nsource = "s"\n'
        assert len(load_protocol(write(folder, text)).criteria) == 3


def test_a_protocol_in_json_yaml_or_with_korean_keys_says_to_write_toml(folder):
    # Found in the protocol-writing pass: the schema `medeval protocol schema` prints is a
    # JSON Schema, and a protocol written as JSON or YAML to it was refused with tomllib's
    # "Invalid statement (at line 1, column 1)" alone; so was a Korean key or an unquoted
    # Korean value, with nothing to say what to write. The JSON and YAML here are made by
    # the json and PyYAML libraries from the valid protocol.
    import yaml

    data = tomllib.loads(VALID)
    for name, text in [("protocol.json", json.dumps(data, indent=2)),
                       ("protocol.yaml", yaml.safe_dump(data)),
                       ("protocol.toml", yaml.safe_dump(data))]:
        (folder / name).write_text(text, encoding="utf-8")
        with pytest.raises(ProtocolError, match=r"not valid TOML: .*; a protocol is TOML, "
                                                r"not JSON or YAML: tables as \[test\]"):
            load_protocol(folder / name)
    korean_key = VALID.replace("threshold = 0.5", "임계값 = 0.5")
    line = korean_key.splitlines().index("임계값 = 0.5") + 1  # tomllib counts from 1
    with pytest.raises(ProtocolError, match=f"'임' at line {line} starts a key TOML cannot "
                                            "read: keys are English"):
        load_protocol(write(folder, korean_key))
    with pytest.raises(ProtocolError, match='; text is written in quotes: title = "유방 종괴"'):
        load_protocol(write(folder, VALID.replace(
            'title = "Performance test of a breast-mass classifier"', "title = 유방 종괴")))
    # an ordinary slip gets tomllib's message and no hint
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, VALID.replace("threshold = 0.5", "threshold = ")))
    line = VALID.splitlines().index("threshold = 0.5") + 1
    assert str(caught.value).endswith(f"not valid TOML: Invalid value (at line {line}, column 13)")


def test_a_resample_count_a_digit_too_long_is_refused_not_run_for_hours(folder, capsys):
    # Found in the protocol-writing pass: n_resamples = 1000000000 (a slip for 1000) was
    # accepted, and the run sat silent after scoring (no result in 100 s on 20 cases;
    # 100000 resamples take seconds there). At most 1000000 now, in the protocol and in the
    # two-table evaluate, which built its protocol from the flag and fell over in a traceback.
    from medeval.cli import main

    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, VALID.replace("seed = ", "n_resamples = 20000000\nseed = ")))
    assert caught.value.problems == (
        "statistics.n_resamples: Input should be less than or equal to 1000000 (got 20000000)",)
    assert load_protocol(write(folder, VALID.replace(
        "seed = ", "n_resamples = 1000000\nseed = "))).statistics.n_resamples == 10**6
    (folder / "ref.csv").write_text("case_id,label\nA,1\nB,0\n")
    (folder / "pred.csv").write_text("case_id,score\nA,0.9\nB,0.2\n")
    assert main(["evaluate", "--reference", str(folder / "ref.csv"), "--predictions",
                 str(folder / "pred.csv"), "--threshold", "0.5", "--n-resamples", "20000000",
                 "--out", str(folder / "out")]) == 2
    assert capsys.readouterr().err == ("medeval: error: evaluate: --n-resamples must be at "
                                       "most 1000000 (a run's time grows with it), got "
                                       "20000000\n")
    assert not (folder / "out").exists()


@pytest.mark.parametrize(("old", "new", "where"), [
    ("goal = 0.85", "goal = true", "criteria.0.goal"),
    ("seed = 20261127", "seed = true", "statistics.seed"),
    ("threshold = 0.5", "threshold = false", "task.threshold"),
])
def test_a_boolean_for_a_number_is_refused_as_the_schema_refuses_it(folder, old, new, where):
    # Found in the protocol-writing pass: goal = true passed protocol check (pydantic's lax
    # mode reads it as 1.0, a goal no guarded set can pass) while the protocol's own JSON
    # Schema refuses it, as jsonschema shows here.
    text = VALID.replace(old, new, 1)
    schema = jsonschema.Draft202012Validator(protocol_schema())
    assert schema.is_valid(tomllib.loads(VALID))
    assert not schema.is_valid(tomllib.loads(text))
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, text))
    assert caught.value.problems == (
        f"{where}: true and false are no numbers: write the number meant (true would be "
        "read as 1 and false as 0; the protocol's JSON Schema refuses both)",)


def test_a_sha256_in_capitals_or_cut_short_says_what_to_write(folder):
    # Found in the protocol-writing pass: a fingerprint in capitals (as PowerShell's
    # Get-FileHash prints a SHA-256) or one digit short was refused with pydantic's
    # "String should match pattern '^(sha256:)?[0-9a-f]{64}$'", which says neither what
    # is wrong nor what to write. The digest is hashlib's, in capitals by str.upper.
    import hashlib

    digest = hashlib.sha256(b"manifest").hexdigest()
    text = VALID.replace('selection = "', f'fingerprint = "{digest.upper()}"\nselection = "')
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, text))
    assert caught.value.problems == (
        f"dataset.fingerprint: a SHA-256 is written in lowercase hexadecimal: write "
        f"'{digest}' (a SHA-256 copied from Windows' Get-FileHash is in capitals)",)
    assert load_protocol(write(folder, text.replace(digest.upper(), digest))).dataset.fingerprint
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, text.replace(digest.upper(), f"sha256:{digest[:-1]}")))
    assert caught.value.problems == (
        "dataset.fingerprint: a SHA-256 is 64 hexadecimal digits (0-9, a-f), optionally "
        "after 'sha256:'; this has 63",)


@pytest.mark.parametrize(("key", "told"), [
    ('direction = "lower"', "unknown key: a criterion's direction is its metric's own, not "
                            "written: higher is better for a sensitivity"),
    ("margin = 0.05", "unknown key: a criterion has no margin: a non-inferiority goal is the "
                      "goal itself (a reference sensitivity of 0.90 and a margin of 0.05: "
                      "goal = 0.85"),
    ("confidence = 0.975", "unknown key: the interval's confidence and method are the whole "
                           "protocol's"),
])
def test_a_criterion_key_for_what_the_protocol_says_elsewhere_says_where(folder, key, told):
    # Found in the protocol-writing pass: a direction, a non-inferiority margin or a level
    # written in a [[criteria]] was told "unknown key (check its spelling ...)", which sends
    # the author looking for a spelling of a key that does not exist.
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, VALID.replace('rule = "point"', f'rule = "point"\n{key}')))
    [problem] = caught.value.problems
    assert problem.startswith(f"criteria.1.{key.split(' ')[0]}: {told}")
    assert "check its spelling" not in problem


def test_typographic_quotes_from_a_word_processor_are_named(folder):
    # Found in the protocol-writing pass: a protocol drafted in a word processor, whose
    # quotes became “ ” (U+201C, U+201D), was refused with tomllib's "Invalid value (at
    # line 3, column 9)" alone. The line and column are counted here by hand from VALID.
    text = VALID.replace('title = "Performance test of a breast-mass classifier"',
                         "title = \u201cPerformance test\u201d")
    line = text.splitlines().index("title = \u201cPerformance test\u201d") + 1
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, text))
    assert str(caught.value).endswith(
        f"not valid TOML: Invalid value (at line {line}, column 9); '\u201c' at line {line} "
        "is a typographic quote (a word processor's): TOML's quotes are the plain \" and '")


def test_a_number_where_text_is_meant_says_to_quote_it(folder):
    # Found reviewing d73490c6: [subgroups] order lists a column's values as the
    # manifest has them, as text; devices 9 and 10 written bare were refused with
    # pydantic's 'Input should be a valid string (got 10)' alone, and so was a version
    # 2.10, which TOML reads as the float 2.1 (tomllib shows it). The protocol's JSON
    # Schema refuses both as written and takes them quoted, as medeval does.
    (folder / "manifest.csv").write_text(
        "case_id,patient_id,input,reference,site\n"
        + "".join(f"c{i},p{i},c{i}.json,{i % 2},{9 + i % 2}\n" for i in range(4)))
    text = VALID.replace('version = "2.1.0"', "version = 2.10").replace(
        'columns = ["site"]', 'columns = ["site"]\norder = {site = [10, 9]}')
    assert tomllib.loads(text)["algorithm"]["version"] == 2.1
    schema = jsonschema.Draft202012Validator(protocol_schema())
    assert not schema.is_valid(tomllib.loads(text))
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, text))
    assert caught.value.problems == tuple(
        f'{where}: {value} is a number where text is meant: write it in quotes, "{value}", '
        "as it is to read (unquoted, TOML reads 2.10 as the number 2.1)"
        for where, value in (("algorithm.version", 2.1), ("subgroups.order.site.0", 10),
                             ("subgroups.order.site.1", 9)))
    quoted = text.replace("version = 2.10", 'version = "2.10"').replace(
        "[10, 9]", '["10", "9"]')
    assert schema.is_valid(tomllib.loads(quoted))
    assert load_protocol(write(folder, quoted)).subgroups.order == {"site": ["10", "9"]}


def test_a_date_written_bare_says_to_quote_it(folder):
    # dataset.received = 2026-11-02 unquoted is a TOML date (tomllib reads a
    # datetime.date), refused with pydantic's 'Input should be a valid string (got
    # datetime.date(2026, 11, 2))'; the protocol's JSON Schema refuses it too. Quoted, the
    # same day loads.
    text = VALID.replace('selection = "', 'received = 2026-11-02\nselection = "', 1)
    assert tomllib.loads(text)["dataset"]["received"] == datetime.date(2026, 11, 2)
    assert not jsonschema.Draft202012Validator(protocol_schema()).is_valid(tomllib.loads(text))
    with pytest.raises(ProtocolError) as caught:
        load_protocol(write(folder, text))
    assert caught.value.problems == ('dataset.received: a TOML date where the protocol '
                                     'takes text: write it in quotes, "2026-11-02"',)
    quoted = text.replace("received = 2026-11-02", 'received = "2026-11-02"')
    assert load_protocol(write(folder, quoted)).dataset.received == "2026-11-02"


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_a_manifest_cut_short_is_left_to_the_manifests_own_check(folder, suffix):
    # Found in the review of the compressed-file commits (hrev11): the protocol's
    # subgroup checks read the manifest it names with pandas and left an unreadable one
    # to the manifest's own check, but not a .csv.gz cut short in a copy: load_protocol
    # (and so 'medeval evaluate') ended in the EOFError of Python's gzip, bz2 or lzma.
    # The manifest's own check now says what is wrong, naming the file.
    import bz2
    import gzip
    import lzma

    from medeval.errors import ManifestError
    from medeval.manifest import Manifest

    module = {".gz": gzip, ".bz2": bz2, ".xz": lzma}[suffix]
    rows = "".join(f"c{k},p{k},x{k}.png,1,site{k % 3}\n" for k in range(3000))
    data = module.compress(("case_id,patient_id,input,reference,site\n" + rows).encode())
    cut = data[:len(data) // 2]
    with pytest.raises((EOFError, ValueError, lzma.LZMAError)):  # the library refuses it
        module.decompress(cut)
    (folder / f"manifest.csv{suffix}").write_bytes(cut)
    path = write(folder, VALID.replace('manifest = "manifest.csv"',
                                       f'manifest = "manifest.csv{suffix}"'))
    assert load_protocol(path).dataset.manifest == f"manifest.csv{suffix}"
    with pytest.raises(ManifestError, match=rf"manifest\.csv\{suffix}: cannot be read as "
                       "CSV: it does not decompress"):
        Manifest.from_csv(folder / f"manifest.csv{suffix}")



@pytest.mark.parametrize("suffix", [".gz", ".xz"])
def test_protocol_check_finds_a_manifest_cut_short(folder, suffix, capsys):
    # 'medeval protocol check' said OK for a manifest.csv.gz cut short in a copy (its
    # subgroup checks leave an unreadable manifest to the manifest's own reader, and it
    # reads no more), while 'medeval manifest check' refused it. It now reads the
    # manifest as the evaluation does and names the file with the manifest's own words.
    # The compressed text is Python's gzip / lzma, cut in half; the whole file passes.
    import gzip
    import lzma

    from medeval.cli import main

    module = {".gz": gzip, ".xz": lzma}[suffix]
    rows = "".join(f"c{k},p{k},x{k}.png,1,site{k % 3}\n" for k in range(3000))
    data = module.compress(("case_id,patient_id,input,reference,site\n" + rows).encode())
    manifest = folder / f"manifest.csv{suffix}"
    manifest.write_bytes(data[:len(data) // 2])
    path = write(folder, VALID.replace('manifest = "manifest.csv"',
                                       f'manifest = "manifest.csv{suffix}"').replace(
        'mode = "certificate"', 'mode = "pre-check"'))
    assert main(["protocol", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"dataset.manifest: manifest {manifest}: cannot be read as CSV: it does not " \
        "decompress" in err
    assert main(["manifest", "check", "--protocol", str(path), str(manifest)]) == 2
    manifest.write_bytes(data)
    assert main(["protocol", "check", str(path)]) == 0
    assert capsys.readouterr().out.startswith(f"OK  {path}")
