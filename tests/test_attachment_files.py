"""What a file is comes from its bytes: the allow-list, forged extensions, empty and oversized files, names."""

from __future__ import annotations

import pytest

from attachments.sniff import check_upload, clean_file_name, sniff
from attachments.storage import LocalStorage, S3Storage, new_key
from console.errors import ConsoleError
from tests.attachment_support import DOCX, JPEG, OFD, PDF, PNG, XLSX, zipped

LIMIT = 1024


@pytest.mark.parametrize(("data", "kind"), [
    (PDF, "pdf"), (PNG, "png"), (JPEG, "jpg"), (DOCX, "docx"), (XLSX, "xlsx"), (OFD, "ofd"),
    (zipped("readme.txt"), None), (b"PK\x03\x04 not really a zip", None), (b"MZ\x90\x00", None), (b"hello", None),
])
def test_sniff_reads_the_bytes(data, kind):
    assert sniff(data) == kind


@pytest.mark.parametrize(("name", "data", "message"), [
    ("报告.pdf", PNG, "文件内容与扩展名不符"),
    ("照片.png", PDF, "文件内容与扩展名不符"),
    ("表格.xlsx", DOCX, "文件内容与扩展名不符"),
    ("公文.ofd", XLSX, "文件内容与扩展名不符"),
    ("程序.exe", b"MZ\x90\x00", "只接受 PDF、JPG、PNG、DOCX、XLSX、OFD 文件"),
    ("压缩包.docx", zipped("a.txt"), "无法识别"),
    ("空.pdf", b"", "文件是空的"),
    ("大.pdf", PDF + b"0" * LIMIT, "文件超过"),
    ("无扩展名", PDF, "文件名"),
    ("../..", PDF, "文件名"),
])
def test_refused_uploads_say_why_in_chinese(app_ctx, name, data, message):
    with pytest.raises(ConsoleError) as refused:
        check_upload(name, data, LIMIT)
    assert message in str(refused.value) and refused.value.status == 400
    assert refused.value.fields["file"] == [str(refused.value)]


def test_accepted_upload_keeps_claimed_kind(app_ctx):
    checked = check_upload("C:\\Users\\张三\\现场照片.JPEG", JPEG, LIMIT)
    assert (checked.file_name, checked.kind.name, checked.kind.content_type) == ("现场照片.JPEG", "jpg", "image/jpeg")


def test_file_names_lose_folders_and_control_characters():
    assert clean_file_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert clean_file_name("a\x00b\u202ec\r\n.pdf") == "abc.pdf"
    assert clean_file_name(" .hidden.pdf") == "hidden.pdf"
    long = clean_file_name("长" * 300 + ".pdf")
    assert len(long) == 200 and long.endswith(".pdf")


def test_local_storage_keeps_files_under_the_upload_folder(tmp_path):
    store = LocalStorage(tmp_path)
    import datetime as dt

    key = new_key(dt.date(2025, 6, 30))
    assert key.startswith("attachments/2025/06/") and len(key.rsplit("/", 1)[1]) == 32
    store.save(key, PDF)
    assert (tmp_path / key).read_bytes() == PDF and store.read(key) == PDF
    assert [p.name for p in (tmp_path / key).parent.iterdir()] == [key.rsplit("/", 1)[1]]  # no partial left
    store.delete(key)
    with pytest.raises(FileNotFoundError):
        store.read(key)
    with pytest.raises(FileNotFoundError):
        store.read("../secret_key")


class FakeS3:
    """Just enough of a boto3 S3 client to check what S3Storage sends."""

    class exceptions:  # noqa: N801 (boto3's spelling)
        class NoSuchKey(Exception):
            pass

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}

    def put_object(self, Bucket, Key, Body):  # noqa: N803
        self.objects[(Bucket, Key)] = Body

    def get_object(self, Bucket, Key):  # noqa: N803
        import io

        if (Bucket, Key) not in self.objects:
            raise self.exceptions.NoSuchKey(Key)
        return {"Body": io.BytesIO(self.objects[(Bucket, Key)])}

    def delete_object(self, Bucket, Key):  # noqa: N803
        self.objects.pop((Bucket, Key), None)


def test_s3_storage_puts_gets_and_deletes_objects_in_its_bucket():
    client = FakeS3()
    store = S3Storage("bcs", client=client)
    store.save("attachments/2025/06/abc", PDF)
    assert client.objects == {("bcs", "attachments/2025/06/abc"): PDF}
    assert store.read("attachments/2025/06/abc") == PDF
    store.delete("attachments/2025/06/abc")
    with pytest.raises(FileNotFoundError):
        store.read("attachments/2025/06/abc")


def test_s3_storage_against_a_real_store():
    import os

    endpoint = os.environ.get("ATTACHMENT_S3_ENDPOINT")
    if not endpoint or not os.environ.get("ATTACHMENT_S3_BUCKET"):
        pytest.skip("no S3-compatible store configured (set ATTACHMENT_S3_ENDPOINT, ATTACHMENT_S3_BUCKET and keys)")
    pytest.importorskip("boto3", reason="boto3 is the optional extra [s3]")
    store = S3Storage(os.environ["ATTACHMENT_S3_BUCKET"], endpoint=endpoint,
                      access_key=os.environ.get("ATTACHMENT_S3_ACCESS_KEY"),
                      secret_key=os.environ.get("ATTACHMENT_S3_SECRET_KEY"))
    import datetime as dt

    key = new_key(dt.date.today())
    store.save(key, PDF)
    try:
        assert store.read(key) == PDF
    finally:
        store.delete(key)
