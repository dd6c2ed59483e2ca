import pytest

from tactful.screening.dataset import InputError, read_accounts
from tactful.screening.tests.builders import HEADER, LATE, PUNCTUAL, csv_text


def write(tmp_path, text, name="accounts.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_reads_ids_behaviour_outcome_and_protected_groups(tmp_path):
    accounts = read_accounts(write(tmp_path, csv_text(PUNCTUAL, LATE)), need_outcome=True)

    assert accounts.ids.to_list() == ["1", "2"]
    assert accounts.behaviour.get_column("PAY_0").to_list() == [0.0, 2.0]
    assert accounts.outcome.tolist() == [0, 1]
    assert accounts.groups.columns == ["SEX", "MARRIAGE", "AGE"]
    assert len(accounts.sha256) == 64


def test_spreadsheet_e_notation_is_read_exactly(tmp_path):
    row = PUNCTUAL.replace(",50000,", ",5.00E+05,", 1)

    accounts = read_accounts(write(tmp_path, csv_text(row)))

    assert accounts.behaviour.get_column("LIMIT_BAL").to_list() == [500000.0]


def test_a_missing_column_is_named(tmp_path):
    header = HEADER.replace(",PAY_AMT3", "")
    row = ",".join(value for i, value in enumerate(PUNCTUAL.split(",")) if i != 20)

    with pytest.raises(InputError) as error:
        read_accounts(write(tmp_path, csv_text(row, header=header)))

    assert error.value.column == "PAY_AMT3"
    assert str(error.value) == "column PAY_AMT3: is missing from the file"


def test_a_non_numeric_cell_is_named_by_column_and_row(tmp_path):
    bad = LATE.replace(",19000,", ",lots,")

    with pytest.raises(InputError) as error:
        read_accounts(write(tmp_path, csv_text(PUNCTUAL, bad)))

    assert (error.value.column, error.value.row) == ("BILL_AMT1", 2)
    assert str(error.value) == "column BILL_AMT1, row 2 (line 3): 'lots' is not a number"


def test_an_empty_cell_is_refused(tmp_path):
    bad = PUNCTUAL.replace(",2019,", ",,")

    with pytest.raises(InputError, match="column PAY_AMT2, row 1 .*empty"):
        read_accounts(write(tmp_path, csv_text(bad)))


@pytest.mark.parametrize("text", ["", "   \n", HEADER + "\n"])
def test_an_empty_file_is_refused(tmp_path, text):
    with pytest.raises(InputError) as error:
        read_accounts(write(tmp_path, text))

    assert error.value.column == "-"


def test_the_outcome_is_needed_only_when_asked_for(tmp_path):
    header = HEADER.removesuffix(",defaulted")
    row = PUNCTUAL.rsplit(",", 1)[0]
    path = write(tmp_path, csv_text(row, header=header))

    assert read_accounts(path).outcome is None
    with pytest.raises(InputError, match="defaulted"):
        read_accounts(path, need_outcome=True)


def test_an_outcome_other_than_0_or_1_is_refused(tmp_path):
    bad = PUNCTUAL.rsplit(",", 1)[0] + ",2"

    with pytest.raises(InputError, match="column defaulted, row 1 .*0 or 1"):
        read_accounts(write(tmp_path, csv_text(bad)))
