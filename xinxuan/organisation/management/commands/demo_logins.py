from django.core.management.base import BaseCommand

from xinxuan.organisation.demo import DEMO_PASSWORD

LOGINS = [
    ("admin", "超级管理员 / superuser"),
    ("office", "常州局办公室信息人员 / office staff"),
    ("head", "动植检处负责人 / department head"),
    ("officer", "动植检处信息员 / information officer"),
    ("officer2", "卫生检疫处信息员 / information officer"),
    ("leader", "常州局局领导 / bureau leader"),
    ("province", "江苏局办公室 / superior bureau's office"),
    ("reader", "门户读者 / public reader"),
]


class Command(BaseCommand):
    help = "Print the demo address and the demo logins of every role."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, **options) -> None:
        url = options["url"].rstrip("/")
        self.stdout.write("")
        self.stdout.write(
            f"信宣演示平台 / xinxuan demo:  门户 portal {url}/   工作台 workbench {url}/admin/"
        )
        self.stdout.write(f"演示账号密码均为 / every demo password: {DEMO_PASSWORD}")
        for username, label in LOGINS:
            self.stdout.write(f"  {username:<10} {label}")
        self.stdout.write("")
