"""Export bodies (PDF/DOCX via core.exporting) of service data records: an import profile's settings, its column
map, its value maps and its data-quality rules, each table captioned (captioned tables are numbered)."""

from django.utils.translation import gettext as _t

from core.exports import Section, Table


def profile_sections(profile, language):
    """The import profile as an auditor reads it: where each field comes from and what each rule does."""
    from .choices import ProfileField

    def field_label(name):
        return str(ProfileField(name).label) if name in ProfileField.values else name

    settings = [
        _t("Contract: %(c)s") % {"c": profile.contract or _t("shared by every contract")},
        _t("Service desk: %(t)s") % {"t": profile.get_tool_display()},
        _t("Based on built-in profile: %(b)s") % {"b": profile.based_on or "—"},
        _t("Format: %(f)s; encoding: %(e)s") % {"f": profile.get_format_display(), "e": profile.get_encoding_display()},
        _t("Source time zone: %(z)s") % {"z": profile.time_zone or _t("the contract calendar's")},
        _t("Date formats: %(d)s") % {"d": ", ".join(profile.date_formats or []) or _t("ISO 8601 only")},
        _t("First response statuses: %(s)s") % {"s": ", ".join(profile.first_response_statuses or []) or "—"},
        _t("Waiting statuses: %(s)s") % {"s": ", ".join(profile.pause_statuses or []) or "—"},
    ]
    if profile.records_path:
        settings.append(_t("Records path: %(p)s") % {"p": profile.records_path})
    if profile.external_system:
        settings.append(_t("External system: %(s)s") % {"s": profile.external_system})
    columns = Table([_t("Field"), _t("Source column"), _t("Default")],
                    [[field_label(r.field), r.column, r.default] for r in profile.columns.all()],
                    caption=_t("Columns"))
    values = Table([_t("Field"), _t("Source value"), _t("Read as")],
                   [[field_label(r.field), r.value, _t("excluded") if r.code == "exclude" else r.code]
                    for r in profile.values.all()], caption=_t("Values"))
    rules = list(profile.rules.all())
    rule_section = Section(_t("Data-quality rules"), tables=[Table(
        [_t("When"), _t("Then")], [[r.get_anomaly_display(), r.get_action_display()] for r in rules],
        caption=_t("Data-quality rules"))]) if rules else Section(_t("Data-quality rules"), [
            _t("No rules: the import is all-or-nothing (any suspicious row rejects the file).")])
    return [Section(_t("Import profile"), settings), Section(_t("Column map"), tables=[columns]),
            Section(_t("Value maps"), tables=[values] if values.rows else [],
                    paragraphs=[] if values.rows else [_t("No value maps: values are read with ServPlan's own "
                                                          "names.")]),
            rule_section]
