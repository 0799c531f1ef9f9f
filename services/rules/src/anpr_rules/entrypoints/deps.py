"""What the routes depend on: the components the bootstrap built, typed."""

from typing import Annotated

from fastapi import Depends, Request

from anpr_rules.bootstrap import RulesComponents
from anpr_runtime.service import Resources


def components(request: Request) -> RulesComponents:
    resources: Resources = request.app.state.resources
    return resources.component(RulesComponents)


Components = Annotated[RulesComponents, Depends(components)]
