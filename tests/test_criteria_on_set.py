"""Criteria a held-out set cannot judge (medeval.criteria_on_set), and `manifest check
--protocol` warning of them before anything runs. Found in the planning-pass: a grading
protocol with a criterion on sensitivity@4 passed `protocol check` and `manifest check
--protocol` silently on a set without a grade-4 case; only the evaluation, after the
algorithm had run, said the criterion was undefined (INCONCLUSIVE: the test could not
pass). The classes each set holds are counted by hand in the comments."""

from __future__ import annotations

import shutil
from pathlib import Path

from medeval.cli import main
from medeval.criteria_on_set import criteria_without_cases
from medeval.manifest import Case
from medeval.protocol import load_protocol

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _copy(example: str, tmp_path: Path, drop: str, criteria: str = "") -> Path:
    """The example's folder with the manifest rows of reference ``drop`` taken out and
    ``criteria`` appended to its protocol; the protocol's path."""
    folder = tmp_path / example
    shutil.copytree(EXAMPLES / example, folder)
    manifest = folder / "manifest.csv"
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    manifest.write_text("".join(line for line in lines
                                if line.split(",")[3].strip() != drop), encoding="utf-8")
    protocol = folder / "protocol.toml"
    protocol.write_text(protocol.read_text(encoding="utf-8") + criteria, encoding="utf-8")
    return protocol


def _criterion(metric: str) -> str:
    return f'\n[[criteria]]\nmetric = "{metric}"\ngoal = 0.5\nsource = "plan"\n'


def test_a_binary_set_without_positives_cannot_judge_sensitivity_or_auc(tmp_path, capsys):
    # the binary example without its 10 positives (label 1): 14 negatives only; its
    # criteria are sensitivity (criteria.0, no positive) and specificity (criteria.1,
    # judged), and roc_auc added (criteria.2, needs both classes)
    protocol = _copy("binary-classification", tmp_path, "1", _criterion("roc_auc"))
    assert main(["manifest", "check", str(protocol.parent / "manifest.csv"),
                 "--protocol", str(protocol)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("OK  ")
    warned = [line for line in captured.err.splitlines() if "cannot pass" in line]
    assert [line.split("protocol.toml: ", 1)[1].split(" ", 1)[0] for line in warned] == [
        "criteria.0", "criteria.2"]
    assert "no reference case of the positive class 1, so sensitivity is undefined" \
        in warned[0]


def test_a_grading_set_without_a_class(tmp_path):
    # the multi-class example without its 4 G3 cases: G1 7, G2 7, G3 0
    protocol = load_protocol(_copy(
        "multiclass-classification", tmp_path, "G3",
        _criterion("sensitivity@G3") + _criterion("sensitivity@G2")))
    cases = [Case(case_id=f"c{i}", patient_id=f"p{i}", inputs=("x",), reference=label)
             for i, label in enumerate(["G1"] * 7 + ["G2"] * 7)]
    messages = criteria_without_cases(protocol, cases)
    # criteria.0 is the example's sensitivity@macro (every class averaged), .1 the G3
    # class's; G2's (.2) is judged
    assert [m.split(" ", 1)[0] for m in messages] == ["criteria.0", "criteria.1"]
    assert "class G3 (sensitivity@macro averages" in messages[0]


def test_the_referable_split_needs_both_sides(tmp_path):
    # labels G1 < G2 < G3, referable from G2: a set of G2 and G3 only has no
    # non-referable case (referable_specificity@G2, criteria.2, undefined; so is the
    # example's sensitivity@macro, criteria.0, without a G1 case), its sensitivity is
    # judged
    protocol_path = _copy("multiclass-classification", tmp_path, "none",
                          _criterion("referable_sensitivity@G2")
                          + _criterion("referable_specificity@G2"))
    text = protocol_path.read_text(encoding="utf-8")
    protocol_path.write_text(text.replace('kappa_weights = "none"',
                                          'kappa_weights = "none"\nreferable_from = "G2"'),
                             encoding="utf-8")
    protocol = load_protocol(protocol_path)
    cases = [Case(case_id=f"c{i}", patient_id=f"p{i}", inputs=("x",), reference=label)
             for i, label in enumerate(["G2", "G3", "G3"])]
    macro, message = criteria_without_cases(protocol, cases)
    assert macro.startswith("criteria.0 (sensitivity@macro): the set holds no reference "
                            "case of class G1")
    assert message.startswith("criteria.2 (referable_specificity@G2): the set holds no "
                              "reference case of a non-referable class (G1)")
    every = [*cases, Case(case_id="c9", patient_id="p9", inputs=("x",), reference="G1")]
    assert criteria_without_cases(protocol, every) == []


def test_the_aucs_of_class_probabilities_need_their_classes(tmp_path):
    # Found in the probabilities-feature pass. The DR example (grades 0-4, referable from
    # 2) on a set of grades 0 and 1 only: auc@macro (criteria.1) lacks grades 2, 3, 4;
    # referable_auc@2 (criteria.0) has no referable case; auc@3 (criteria.2) no grade 3;
    # auc@1 (criteria.3) has grade 1 and others (0): judged
    protocol = load_protocol(_copy("multiclass-probabilities", tmp_path, "none",
                                   _criterion("auc@3") + _criterion("auc@1")))
    cases = [Case(case_id=f"c{i}", patient_id=f"p{i}", inputs=("x",), reference=label)
             for i, label in enumerate(["0", "0", "1"])]
    messages = criteria_without_cases(protocol, cases)
    assert [m.split(" ", 1)[0] for m in messages] == ["criteria.0", "criteria.1",
                                                       "criteria.2"]
    assert "no reference case of a referable class (2, 3, 4)" in messages[0]
    # every grade it lacks named at once (it named grade 2 only: a set given grade-2
    # cases would then be told of grade 3, then of grade 4)
    assert "no reference case of classes 2, 3, 4 (auc@macro averages every class's " \
        "one-vs-rest AUC), so auc@macro is undefined" in messages[1]
    # a class's AUC also needs a case of another class: grade 1 alone
    only = [Case(case_id="c1", patient_id="p1", inputs=("x",), reference="1")]
    assert any(m.startswith("criteria.3 (auc@1): the set holds no reference case of a class "
                            "other than 1 (0, 2, 3, 4)") for m in
               criteria_without_cases(protocol, only))


def test_a_multilabel_set_without_a_label(tmp_path, capsys):
    # Found in the tasks pass: manifest check --protocol named no multi-label criterion.
    # The PTB-XL example without the cases carrying HYP would leave sensitivity@HYP and
    # auc@HYP undefined (no case carries HYP) and auc@macro with them; specificity@HYP is
    # judged on the cases without HYP, and sensitivity@MI (the example's) on MI's.
    protocol = _copy("multilabel-classification", tmp_path, "none",
                     _criterion("sensitivity@HYP") + _criterion("specificity@HYP")
                     + _criterion("auc@HYP") + _criterion("ppv@HYP"))
    manifest = protocol.parent / "manifest.csv"
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    manifest.write_text("".join(line for line in lines
                                if "HYP" not in line.split(",")[3].split(";")),
                        encoding="utf-8")
    assert main(["manifest", "check", str(manifest), "--protocol", str(protocol)]) == 0
    warned = [line.split("protocol.toml: ", 1)[1] for line in
              capsys.readouterr().err.splitlines() if "cannot pass" in line]
    # criteria.0 auc@macro, .1 sensitivity@MI (the example's), .2-.5 those added
    assert [line.split(" ", 1)[0] for line in warned] == ["criteria.0", "criteria.2",
                                                           "criteria.4"]
    assert warned[0].startswith("criteria.0 (auc@macro): the set holds no reference case "
                                "of label HYP (auc@macro averages every label's AUC)")
    assert warned[1].startswith("criteria.2 (sensitivity@HYP): the set holds no reference "
                                "case of label HYP, so sensitivity@HYP is undefined")
    # every case carrying NORM: its specificity and AUC cannot be judged
    protocol = load_protocol(protocol)
    cases = [Case(case_id=f"c{i}", patient_id=f"p{i}", inputs=("x",), reference=reference)
             for i, reference in enumerate(["NORM", "NORM;HYP", "NORM;MI"])]
    text = protocol.model_dump()
    assert text["task"]["labels"][0] == "NORM"
    messages = criteria_without_cases(protocol.model_copy(update={"criteria": [
        c.model_copy(update={"metric": m}) for c, m in zip(
            protocol.criteria, ["specificity@NORM", "auc@NORM", "sensitivity@HYP"])]}), cases)
    assert [m.split(" ", 1)[0] for m in messages] == ["criteria.0", "criteria.1"]
    assert "no reference case of a label set without NORM (every case carries it)" \
        in messages[0]


def test_every_class_and_label_a_set_lacks_is_named(tmp_path):
    # Found in the hcls pass: an 8-class endoscopy protocol on a set without MALT lymphoma
    # and 식도염 cases named MALT lymphoma only under sensitivity@macro. The multi-class
    # example (G1, G2, G3) on a set of G1 alone: sensitivity@macro (criteria.0) lacks G2
    # and G3; auc@G2 (criteria.1) lacks G2 (G1 is another class: judged on that side)
    protocol = load_protocol(_copy("multiclass-classification", tmp_path, "none",
                                   _criterion("sensitivity@G2")))
    cases = [Case(case_id=f"c{i}", patient_id=f"p{i}", inputs=("x",), reference="G1")
             for i in range(3)]
    macro, g2 = criteria_without_cases(protocol, cases)
    assert macro.startswith("criteria.0 (sensitivity@macro): the set holds no reference "
                            "case of classes G2, G3 (sensitivity@macro averages every "
                            "class's sensitivity), so sensitivity@macro is undefined")
    assert g2.startswith("criteria.1 (sensitivity@G2): the set holds no reference case of "
                         "class G2, so")
    # multi-label (NORM, MI, STTC, CD, HYP): cases NORM and NORM;MI carry no STTC, CD or
    # HYP, and every case carries NORM: auc@macro names all four gaps
    ml = load_protocol(_copy("multilabel-classification", tmp_path, "none"))
    cases = [Case(case_id=f"c{i}", patient_id=f"p{i}", inputs=("x",), reference=reference)
             for i, reference in enumerate(["NORM", "NORM;MI"])]
    [message] = [m for m in criteria_without_cases(ml, cases) if "(auc@macro)" in m]
    assert message.startswith(
        "criteria.0 (auc@macro): the set holds no reference case of labels STTC, CD, HYP, "
        "nor of a label set without NORM (every case carries it) (auc@macro averages every "
        "label's AUC), so auc@macro is undefined")
