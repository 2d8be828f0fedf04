"""The NATS front door of the gateway: submit over subjects, results per tenant."""

from services.gateway.busdoor.desk import SubmissionDesk
from services.gateway.busdoor.door import BusDoor
from services.gateway.busdoor.ports import Admit, Admitted, MetadataStore

__all__ = ["Admit", "Admitted", "BusDoor", "MetadataStore", "SubmissionDesk"]
