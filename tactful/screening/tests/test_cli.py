import json

import pytest

from tactful.cli.risk import run as risk
from tactful.cli.simulate import run as simulate
from tactful.screening.strategy import load_strategy
from tactful.screening.tests.builders import HEADER, LATE, PUNCTUAL, csv_text


@pytest.fixture
def accounts_csv(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text(csv_text(PUNCTUAL, LATE))
    return path


def test_score_writes_id_and_score_with_the_shipped_model(tmp_path, accounts_csv):
    output = tmp_path / "scores.csv"

    status = risk(["score", "--input", str(accounts_csv), "--output", str(output)])

    lines = output.read_text().splitlines()
    assert status == 0
    assert lines[0] == "ID,score"
    scores = {line.split(",")[0]: float(line.split(",")[1]) for line in lines[1:]}
    assert set(scores) == {"1", "2"}
    assert 0 < scores["1"] < scores["2"] < 1


def test_score_adds_reason_codes_when_asked(tmp_path, accounts_csv):
    output = tmp_path / "scores.csv"

    risk(["score", "--input", str(accounts_csv), "--output", str(output), "--reasons"])

    header, first, _ = output.read_text().splitlines()
    assert header == "ID,score,reasons"
    assert len(first.split(",")[2].split(";")) == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "accounts.csv is empty"),
        (HEADER + "\n", "has a header but no accounts"),
        (csv_text(PUNCTUAL.replace(",0,0,0,0,0,0,", ",0,0,x,0,0,0,")), "column PAY_3, row 1"),
        (csv_text("1,2", header="ID,LIMIT_BAL"), "column PAY_0: is missing"),
    ],
)
def test_bad_input_exits_2_naming_the_problem_and_writes_nothing(tmp_path, capsys, text, message):
    source = tmp_path / "accounts.csv"
    source.write_text(text)
    output = tmp_path / "scores.csv"

    status = risk(["score", "--input", str(source), "--output", str(output)])

    assert status == 2
    assert message in capsys.readouterr().err
    assert not output.exists()


def test_evaluate_prints_the_metrics(accounts_csv, capsys, sample_csv):
    status = risk(["evaluate", "--input", str(sample_csv)])

    out = capsys.readouterr().out
    assert status == 0
    assert "ROC AUC" in out
    assert "KS" in out
    assert "Brier" in out
    assert "fairness by SEX" in out


def test_evaluate_needs_the_outcome(tmp_path, capsys):
    source = tmp_path / "accounts.csv"
    header = HEADER.removesuffix(",defaulted")
    source.write_text(csv_text(PUNCTUAL.rsplit(",", 1)[0], header=header))

    assert risk(["evaluate", "--input", str(source)]) == 2
    assert "column defaulted" in capsys.readouterr().err


def test_train_writes_a_bundle_that_scores(tmp_path, sample_csv, capsys):
    out = tmp_path / "model"

    status = risk(["train", "--data", str(sample_csv), "--out", str(out), "--threads", "1"])

    metadata = json.loads((out / "metadata.json").read_text())
    assert status == 0
    assert metadata["data"]["accounts"] == 2000
    assert "cross-validated ROC AUC" in capsys.readouterr().out
    scores = tmp_path / "scores.csv"
    assert (
        risk(
            [
                "score",
                "--model",
                str(out),
                "--input",
                str(sample_csv),
                "--output",
                str(scores),
            ]
        )
        == 0
    )
    assert len(scores.read_text().splitlines()) == 2001


def test_score_refuses_a_directory_without_a_model(tmp_path, accounts_csv, capsys):
    status = risk(
        [
            "score",
            "--model",
            str(tmp_path),
            "--input",
            str(accounts_csv),
            "--output",
            str(tmp_path / "s.csv"),
        ]
    )

    assert status == 2
    assert "no metadata.json" in capsys.readouterr().err


def test_simulate_writes_a_json_report_and_a_chart(tmp_path, capsys):
    report_path, chart = tmp_path / "report.json", tmp_path / "chart.png"

    status = simulate(
        [
            "--accounts",
            "30",
            "--days",
            "5",
            "--strategy",
            "blast",
            "--seed",
            "2",
            "--report",
            str(report_path),
            "--chart",
            str(chart),
            "--set",
            "call_answer_rate=0.5",
        ]
    )

    report = json.loads(report_path.read_text())
    assert status == 0
    assert report["strategy"] == "blast"
    assert report["compared_with"] == "tactful"
    assert report["assumptions"]["call_answer_rate"] == 0.5
    assert "not measurements" in report["notice"]
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_simulate_uses_the_strategy_of_the_pack_it_is_given(tmp_path):
    report_path, chart = tmp_path / "report.json", tmp_path / "chart.png"
    arguments = ["--accounts", "10", "--days", "3", "--pack", "in"]

    status = simulate([*arguments, "--report", str(report_path), "--chart", str(chart)])

    report = json.loads(report_path.read_text())
    assert status == 0
    assert report["pack"].startswith("in ")
    assert report["strategy_table"] == f"in {load_strategy('in').version}"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--accounts", "0"], "--accounts must be"),
        (["--days", "9999"], "--days must be"),
        (["--set", "courage=3"], "no assumption is called 'courage'"),
        (["--set", "effect_days=soon"], "'soon' is not a int"),
        (["--pack", "atlantis"], "atlantis"),
    ],
)
def test_simulate_refuses_bad_arguments(tmp_path, capsys, arguments, message):
    chart = tmp_path / "chart.png"

    status = simulate(["--chart", str(chart), *arguments])

    assert status == 2
    assert message in capsys.readouterr().err
    assert not chart.exists()
