"""Print a new SM2 key pair for signing 电子证照, as environment lines (the keys never go into the database)."""

from typing import Any

from django.core.management.base import BaseCommand

from zhenwu.core.crypto import sm2_generate_keypair


class Command(BaseCommand):
    help = "生成电子证照签名用的 SM2 密钥对（输出为环境变量，请妥善保管私钥）"

    def handle(self, *args: Any, **options: Any) -> None:
        private, public = sm2_generate_keypair()
        self.stdout.write(f"ZHENWU_LICENCE_PRIVATE_KEY={private}")
        self.stdout.write(f"ZHENWU_LICENCE_PUBLIC_KEY=04{public}")
