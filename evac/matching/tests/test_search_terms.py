"""What a case stores for a name, and what a search looks for (evac.matching.search)."""

from evac.matching.search import index_terms, plain_words, query_terms


def test_a_known_name_is_stored_with_its_folded_key_in_either_script():
    assert "=muhamad=" in index_terms("Mohammad Wali") and "=muhamad=" in index_terms("محمد ولی")
    assert ":qmhmd:" in index_terms("Mohammad")  # a Latin skeleton, for an unknown Dari word
    assert not any(t.startswith("~") for t in index_terms("محمد ولی"))  # known: no skeleton to bridge


def test_an_unknown_dari_name_is_stored_by_its_skeleton():
    assert index_terms("دلاور") == frozenset({"~vdlr~"})


def test_a_compound_is_stored_whole_and_by_its_parts():
    terms = index_terms("Abdurrahman")
    assert {"=abdulrahman=", "=abdul=", "=rahman="} <= terms
    assert {"=hikmatullah=", "=hikmat=", "=ullah="} <= index_terms("Hekmat Ullah")


def test_the_same_consonants_never_meet_within_one_script():
    # A Latin word is looked for among unknown Dari skeletons only ("~v"), never Latin ones (":q").
    assert query_terms("Mahmood") == [[("mahmood",), ("=mahmud=",), ("~vmhmd~",)]]
    assert ":qmhmd:" in index_terms("Mohammad") and "~vmhmd~" not in index_terms("Mohammad")


def test_a_search_needs_every_name_word_but_no_title_or_article():
    assert [alternatives[0] for alternatives in query_terms("Haji Abd al-Rahman")] == [("abd",), ("rahman",)]
    assert query_terms("Ahmad1") == [[("ahmad1",)]]  # digits: not a name, searched as typed
    assert query_terms("Gulahmed") == [[("gulahmed",), ("=gul=", "=ahmad=")]]


def test_no_typed_name_can_look_like_a_key():
    assert plain_words("=muhamad ~vdlr~ :qx:") == "muhamad vdlr qx"
    assert query_terms("~vdlr~")[0][0] == ("vdlr",)
