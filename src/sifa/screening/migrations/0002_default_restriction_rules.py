from django.db import migrations

BASIS = "《关于进一步规范法院、检察院离任人员从事律师职业的意见》：离任后二年内不得以律师身份担任诉讼代理人或者辩护人"
RULES = [
    ("retired", 24, BASIS),
    ("resigned", 24, BASIS),
    ("transferred", 24, BASIS),
    ("dismissed", None, "《律师法》第七条：被开除公职的，不予颁发律师执业证书"),
]


def add_rules(apps, schema_editor):
    rule = apps.get_model("screening", "RestrictionRule")
    for departure_type, months, basis in RULES:
        rule.objects.get_or_create(departure_type=departure_type, defaults={"months": months, "basis": basis})


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
