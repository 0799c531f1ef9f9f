import pytest

from anpr_ingest.adapters.token_cache import CameraTokenCache
from anpr_ingest.domain.tokens import TOKEN_PREFIX, Sender, WrongCamera, token_hash
from anpr_ingest.handlers import identify_sender, issue_token, revoke_token, tokens_of_camera
from anpr_runtime import Forbidden, NotFound
from anpr_runtime.auth import TokenStore
from anpr_runtime.settings import ServiceSettings

from .fakes import FakeCameraTokenRepository, FakeIngestRepository
from .scenario import MONDAY, THURSDAY

STATIC = TokenStore.from_settings(
    ServiceSettings(
        environment="development",
        admin_token="the-admin-token",
        extra_tokens="camera-1:camera:gw-static,gw-legacy:camera,svc-static:service,rev-static:reviewer",
    )
)


def uncached(tokens: FakeCameraTokenRepository) -> CameraTokenCache:
    return CameraTokenCache(tokens.token_by_hash, ttl_seconds=0)


async def test_issued_token_is_random_prefixed_and_only_its_hash_is_stored(
    placed: FakeIngestRepository, tokens: FakeCameraTokenRepository
) -> None:
    first = await issue_token("cam-rot", "gateway north", placed, tokens, MONDAY)
    second = await issue_token("cam-rot", "", placed, tokens, MONDAY)

    assert first.secret.startswith(TOKEN_PREFIX)
    assert len(first.secret) > len(TOKEN_PREFIX) + 40
    assert first.secret != second.secret
    assert first.token.token_id != second.token.token_id
    stored = tokens.rows[first.token.token_id]
    assert stored == (first.token, token_hash(first.secret))
    assert first.secret not in repr(tokens.rows)


async def test_tokens_are_listed_per_camera_without_secrets(
    placed: FakeIngestRepository, tokens: FakeCameraTokenRepository
) -> None:
    early = await issue_token("cam-rot", "a", placed, tokens, MONDAY)
    late = await issue_token("cam-rot", "b", placed, tokens, THURSDAY)
    await issue_token("cam-fix", "other camera", placed, tokens, MONDAY)

    assert await tokens_of_camera("cam-rot", placed, tokens) == [early.token, late.token]
    assert await tokens_of_camera("cam-idle", placed, tokens) == []


async def test_tokens_of_an_unknown_camera_are_not_found(
    placed: FakeIngestRepository, tokens: FakeCameraTokenRepository
) -> None:
    with pytest.raises(NotFound, match="cam-ghost"):
        await issue_token("cam-ghost", "", placed, tokens, MONDAY)
    with pytest.raises(NotFound, match="cam-ghost"):
        await tokens_of_camera("cam-ghost", placed, tokens)
    assert tokens.rows == {}


async def test_revoking_is_idempotent_and_keeps_the_first_revocation_time(
    placed: FakeIngestRepository, tokens: FakeCameraTokenRepository
) -> None:
    issued = await issue_token("cam-rot", "", placed, tokens, MONDAY)

    revoked = await revoke_token("cam-rot", issued.token.token_id, tokens, THURSDAY)
    again = await revoke_token("cam-rot", issued.token.token_id, tokens, THURSDAY.replace(hour=20))

    assert revoked.revoked_at == THURSDAY
    assert again == revoked


async def test_revoking_an_unknown_token_or_through_another_camera_is_not_found(
    placed: FakeIngestRepository, tokens: FakeCameraTokenRepository
) -> None:
    issued = await issue_token("cam-rot", "", placed, tokens, MONDAY)

    with pytest.raises(NotFound, match="no token"):
        await revoke_token("cam-rot", "no-such-token", tokens, THURSDAY)
    with pytest.raises(NotFound):
        await revoke_token("cam-fix", issued.token.token_id, tokens, THURSDAY)
    assert (await tokens.get_token("cam-rot", issued.token.token_id)) == issued.token


@pytest.mark.parametrize("secret", ["the-admin-token", "gw-legacy", "svc-static"])
async def test_admin_service_and_unnamed_camera_tokens_may_send_for_any_camera(
    tokens: FakeCameraTokenRepository, secret: str
) -> None:
    sender = await identify_sender(secret, STATIC, uncached(tokens))

    assert sender is not None
    assert sender.camera_id is None
    sender.authorise("cam-rot")
    sender.authorise(None)


async def test_a_named_static_camera_token_sends_for_its_own_camera_only(tokens: FakeCameraTokenRepository) -> None:
    sender = await identify_sender("gw-static", STATIC, uncached(tokens))

    assert sender == Sender("camera-1", "camera-1")
    sender.authorise("camera-1")
    with pytest.raises(WrongCamera, match="belongs to camera 'camera-1' and may not send for camera 'cam-rot'"):
        sender.authorise("cam-rot")
    with pytest.raises(WrongCamera, match="a read without camera_id"):
        sender.authorise(None)


async def test_static_service_token_may_send() -> None:
    assert await identify_sender("svc-static", STATIC, uncached(FakeCameraTokenRepository())) is not None


async def test_static_token_of_another_role_is_forbidden(tokens: FakeCameraTokenRepository) -> None:
    with pytest.raises(Forbidden, match="role reviewer may not send frames or reads"):
        await identify_sender("rev-static", STATIC, uncached(tokens))


async def test_camera_token_sends_for_its_own_camera_only(
    placed: FakeIngestRepository, tokens: FakeCameraTokenRepository
) -> None:
    issued = await issue_token("cam-rot", "", placed, tokens, MONDAY)

    sender = await identify_sender(issued.secret, STATIC, uncached(tokens))

    assert sender == Sender(f"camera-token:{issued.token.token_id}", "cam-rot")
    sender.authorise("cam-rot")
    with pytest.raises(
        WrongCamera, match="belongs to camera 'cam-rot' and may not send for camera 'cam-fix'"
    ) as caught:
        sender.authorise("cam-fix")
    assert caught.value.status_code == 403
    with pytest.raises(WrongCamera, match="a read without camera_id"):
        sender.authorise(None)


async def test_revoked_unknown_or_unprefixed_tokens_identify_nobody(
    placed: FakeIngestRepository, tokens: FakeCameraTokenRepository
) -> None:
    issued = await issue_token("cam-rot", "", placed, tokens, MONDAY)
    await revoke_token("cam-rot", issued.token.token_id, tokens, THURSDAY)
    looked_up: list[str] = []

    async def lookup(hashed: str) -> None:
        looked_up.append(hashed)

    for secret in (issued.secret, TOKEN_PREFIX + "guessed", "wrong"):
        assert await identify_sender(secret, STATIC, uncached(tokens)) is None
    assert await identify_sender("no-prefix-at-all", STATIC, CameraTokenCache(lookup, 0)) is None
    assert looked_up == []  # a token that cannot be a camera token never reaches the database
