"""附件: files kept as material and evidence on cases, events, 督办单 and 整改反馈.

`sniff` decides what a file is from its bytes, `storage` keeps the bytes (a local folder or an S3-compatible
object store), `service` stores, lists and hands out files within the rules of who may see and act on what.
No Flask request is read here: the views pass in what came with the request.
"""
