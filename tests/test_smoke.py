from conftest import run


def test_version_prints_the_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("hlmctl ")


def test_unknown_delegation_is_refused_on_stderr(hlm) -> None:
    result = run("speakers", "add", "Frnace")
    assert result.exit_code == 2
    assert "did you mean 'France'" in result.stderr
    assert result.stdout == ""
