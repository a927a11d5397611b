"""The staff command that checks knowledge/."""
from tms.check_knowledge import main


def test_valid_knowledge_passes(small_knowledge, capsys):
    assert main([str(small_knowledge.root)]) == 0
    assert "OK: 6 answers on 4 topics, 2 sources" in capsys.readouterr().out


def test_errors_fail_and_name_file_line_and_entry(small_knowledge, capsys):
    small_knowledge.replace("answers/topics.yml", "sources: [src_a]\n",
                            "sources: [nope]\n")
    assert main([str(small_knowledge.root)]) == 1
    out = capsys.readouterr().out
    assert ("ERROR knowledge/answers/topics.yml:2 [split/stroke]: cites unknown source "
            "'nope'") in out
    # ...and the quotes it keeps under src_a no longer belong to a cited source
    assert "[split/stroke]: quotes 'src_a', which it does not cite" in out
    assert "NOT OK: 2 error(s)" in out
