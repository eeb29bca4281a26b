"""token_for signs tokens the relay accepts, within their groups and lifetime."""

import time

import jwt
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from harness.client import RelayClient
from harness.relay import RelayProcess
from rohrpost_relay import token_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice():
    return User.objects.create_user("alice")


def test_token_lets_the_user_subscribe_to_its_groups(client_of, alice, settings):
    token = token_for(alice, ["collection-*", "item-7"])

    client = client_of()
    assert client.subscribe(token, "collection", 5)["data"]["group"] == "collection-5"
    assert client.subscribe(token, "item", 7)["data"]["group"] == "item-7"
    claims = jwt.decode(token, settings.ROHRPOST_JWT_SECRET, algorithms=["HS256"])
    assert claims["sub"] == str(alice.pk)
    assert claims["groups"] == ["collection-*", "item-7"]


def test_token_does_not_open_groups_it_does_not_name(client_of, alice):
    token = token_for(alice, ["collection-5"])

    assert client_of().subscribe(token, "collection", 6) == {"id": 1, "type": "subscribe", "error": "ACCESS_DENIED"}


def test_expired_token_is_refused(client_of, alice):
    token = token_for(alice, ["collection-*"], ttl=1)
    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    time.sleep(max(0, exp - time.time()) + 0.2)

    assert client_of().subscribe(token, "collection", 5)["error"] == "ACCESS_DENIED"


def test_relay_closes_the_connection_when_the_token_expires(client_of, alice):
    token = token_for(alice, ["collection-*"], ttl=2)
    client = client_of()
    assert client.subscribe(token, "collection", 5)["data"]["group"] == "collection-5"

    from websockets.exceptions import ConnectionClosed

    with pytest.raises(ConnectionClosed) as closed:
        client.next_event(timeout=5)
    assert closed.value.rcvd.code == 4401


def test_token_signed_with_a_private_key_is_accepted_by_a_relay_with_its_public_key(tmp_path, alice, settings):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    public_key_file = tmp_path / "relay.pub.pem"
    public_key_file.write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    settings.ROHRPOST_JWT_SECRET = None
    settings.ROHRPOST_JWT_PRIVATE_KEY = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    settings.ROHRPOST_JWT_ALGORITHM = "ES256"

    database = connections["default"].settings_dict
    relay = RelayProcess(f"postgres://postgres@127.0.0.1:{database['PORT']}/{database['NAME']}",
                         ["--jwt-public-key-file", str(public_key_file)]).start()
    try:
        with RelayClient(relay.url) as client:
            assert client.subscribe(token_for(alice, ["item-*"]), "item", 1)["data"]["group"] == "item-1"
    finally:
        relay.stop()


def test_a_secret_shorter_than_the_relay_accepts_is_a_configuration_error(settings, alice):
    settings.ROHRPOST_JWT_SECRET = "too short"

    with pytest.raises(ImproperlyConfigured, match="at least 32"):
        token_for(alice, ["item-1"])


def test_without_a_key_token_for_says_which_setting_is_missing(settings, alice):
    del settings.ROHRPOST_JWT_SECRET

    with pytest.raises(ImproperlyConfigured, match="ROHRPOST_JWT_SECRET"):
        token_for(alice, ["item-1"])
