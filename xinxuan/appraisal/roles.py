from xinxuan.accounts.roles import Role

MODELS = ("appraisal", "award", "plaqueaward", "elimination")

PERMISSIONS = {
    Role.OFFICE: [f"appraisal.{verb}_{model}" for model in MODELS for verb in ("change", "view")],
    Role.HEAD: [f"appraisal.view_{model}" for model in ("appraisal", "award", "plaqueaward")],
    Role.LEADER: [f"appraisal.view_{model}" for model in MODELS],
}
