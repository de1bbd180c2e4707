# ---- compliance findings and runs ----


# ---- clause map ----


# ---- evidence packs ----


# ---- external audits ----
