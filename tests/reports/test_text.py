

def test_only_paragraphs_in_shaped_scripts_are_shaped():
    from evidencetracker.reports import styles as S
    from evidencetracker.reports.text import P, needs_shaping

    st = S.styles()
    assert needs_shaping("شبكة الإيواء") and needs_shaping("שלום") and needs_shaping("नमस्ते")
    assert not needs_shaping("Best strategy, Жизнь, Ελλάδα, Zoë")
    latin = P("the best strategy", st.body)
    arabic = P("Amman: شبكة الإيواء الآمن", st.body)
    assert latin.style.shaping == 0
    assert arabic.style.shaping == (1 if S.SHAPING_AVAILABLE else 0)
    assert S.SHAPING_AVAILABLE  # uharfbuzz is a dependency: Arabic must print joined
