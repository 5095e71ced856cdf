import pytest

from tests.world import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/projects/{p}/adjudication/queue/?event_type=A%00B",
        "/api/v1/projects/{p}/export/?source=%00",
        "/api/v1/me/assignments/?search=x%00",
        "/api/v1/dictionary/actors/?q=%00",
    ],
)
def test_nul_in_a_query_parameter_is_422(world: World, url: str) -> None:
    response = world.client(world.supervisor).get(url.format(p=world.project.pk))
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "nul_character"
