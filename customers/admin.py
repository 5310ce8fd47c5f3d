from django.contrib import admin

from customers.models import ChannelIdentity, Customer, Measurement, MeasurementSet


class ChannelIdentityInline(admin.TabularInline):
    model = ChannelIdentity
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["id", "full_name", "email", "user", "created_at"]
    search_fields = ["full_name", "email"]
    inlines = [ChannelIdentityInline]


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0


@admin.register(MeasurementSet)
class MeasurementSetAdmin(admin.ModelAdmin):
    list_display = ["id", "customer", "source", "measured_at"]
    inlines = [MeasurementInline]
