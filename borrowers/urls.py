from .views import manage, register

app_name = "borrowers"

urlpatterns = register.urlpatterns + manage.urlpatterns
