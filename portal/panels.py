"""What the portal adds to the customer's page (registered in PortalConfig.ready): which contacts can sign in to
the customer's own view, and the buttons to give or revoke a sign-in."""

from django.urls import reverse

from core.extensions import register_detail_panel

from .services import may_give_sign_in


def contact_sign_ins(customer, user):
    contacts = list(customer.contacts.select_related("user"))
    if not contacts or not any(may_give_sign_in(contact, user) for contact in contacts):
        return None
    return {"rows": [{"contact": contact, "user": contact.user,
                      "active": contact.user is not None and contact.user.is_active,
                      "give_url": reverse("portal:contact_sign_in", args=[contact.pk]),
                      "revoke_url": reverse("portal:contact_revoke", args=[contact.pk])} for contact in contacts]}


def register():
    register_detail_panel("customers.customer", "portal/panels/contact_sign_ins.html", contact_sign_ins)
