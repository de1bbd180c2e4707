"""Filter labels are read in the reader's language every time, whoever read them first."""

from django.utils import translation

from core.filtersets import AuditEntryFilterSet


def test_a_label_read_first_in_english_is_chinese_for_a_chinese_reader(db):
    with translation.override("en"):
        assert str(AuditEntryFilterSet.base_filters["user"].label).lower() == "user"  # the API schema reads it so
        english = str(AuditEntryFilterSet().form.fields["user"].label)
    with translation.override("zh-hans"):
        chinese = str(AuditEntryFilterSet().form.fields["user"].label)
    assert english.lower() == "user" and chinese and chinese.lower() != "user"
