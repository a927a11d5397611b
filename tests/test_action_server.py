"""The action server registers exactly the custom actions the domain lists."""
import yaml
from rasa_sdk.executor import ActionExecutor

from tests.conftest import ROOT


def test_action_package_registers_every_domain_action_and_nothing_else():
    executor = ActionExecutor()
    executor.register_package("actions")
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    assert set(executor.actions) == set(domain["actions"])
