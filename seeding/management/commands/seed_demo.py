from django.core.management.base import BaseCommand

from seeding.demo import seed_demo


class Command(BaseCommand):
    help = "载入演示数据：一个真实区划上的演示县区（单位、干部、农户、收入、结对及一次交接）和演示登录账号。可重复执行。"

    def handle(self, *args, **options):
        sign_ins = seed_demo()
        self.stdout.write("演示数据已就绪。演示登录：")
        for who, username, password in sign_ins:
            self.stdout.write(f"  {who:<16} 用户名 {username}  密码 {password}")
