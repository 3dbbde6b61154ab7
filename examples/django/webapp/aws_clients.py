"""
boto3 clients, one per service and region per process: creating one reads botocore's data files
(slow), and clients are thread-safe. boto3 is imported lazily, only by processes that call AWS
(tests pass fakes and need no boto3). Credentials come from the task role (boto3's default chain).
"""
import threading

_clients = {}
_lock = threading.Lock()


def client(service, region):
    with _lock:
        found = _clients.get((service, region))
        if found is None:
            import boto3

            found = boto3.client(service, region_name=region)
            _clients[(service, region)] = found
        return found
